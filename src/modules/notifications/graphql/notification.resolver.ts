import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../../../platform/graphql/connection';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { OrderLoaders, OrderType } from '../../orders';
import type { NotificationService } from '../application/notification.service';
import { NotificationConnection, NotificationsArgs, NotificationType } from './notification.types';

@Resolver(() => NotificationType)
export class NotificationResolver {
  constructor(private readonly notificationService: NotificationService) {}

  @Query(() => NotificationConnection)
  async notifications(@Args(() => NotificationsArgs) args: NotificationsArgs, @Ctx() ctx: GraphQLContext) {
    const { page, totalCount } = await this.notificationService.list(ctx.viewer, args.unreadOnly ?? false, args.first, args.after);
    return toConnection(NotificationConnection, page, NotificationType.from, totalCount);
  }

  @Mutation(() => NotificationType)
  async markNotificationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<NotificationType> {
    return NotificationType.from(await this.notificationService.markRead(ctx.viewer, id));
  }

  /** A notification is its recipient's, and so is the order it is about. */
  @FieldResolver(() => OrderType, { nullable: true })
  async order(@Root() notification: NotificationType, @Ctx() ctx: GraphQLContext): Promise<OrderType | null> {
    if (!notification.orderId) return null;
    const order = await ctx.loaders.get(OrderLoaders).byId.load(notification.orderId);
    return order ? OrderType.from(order) : null;
  }
}
