import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { OrderLiveUpdates } from '../application/order-live-updates';
import type { Order } from '../domain/order';
import { OrderType } from './order.types';

@Resolver(() => OrderType)
export class OrderSubscriptionResolver {
  @Subscription(() => OrderType, {
    description:
      "Every change to the signed-in user's orders (admins: any order); with id, that order only. Anonymous: UNAUTHENTICATED.",
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      return ctx.loaders.get(OrderLiveUpdates).subscribe(ctx.viewer, (args as { id?: string | null }).id);
    },
  })
  orderUpdated(@Root() order: Order, @Arg('id', () => ID, { nullable: true }) _id?: string): OrderType {
    return OrderType.from(order);
  }
}
