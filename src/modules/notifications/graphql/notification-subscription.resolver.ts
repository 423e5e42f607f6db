import { Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { NotificationLiveUpdates } from '../application/notification-live-updates';
import type { Notification } from '../domain/notification';
import { NotificationType } from './notification.types';

@Resolver(() => NotificationType)
export class NotificationSubscriptionResolver {
  @Subscription(() => NotificationType, {
    description: 'New notifications for the signed-in user. Anonymous: UNAUTHENTICATED.',
    subscribe: ({ context }) => {
      const ctx = context as GraphQLContext;
      return ctx.loaders.get(NotificationLiveUpdates).subscribe(ctx.viewer);
    },
  })
  notificationAdded(@Root() notification: Notification): NotificationType {
    return NotificationType.from(notification);
  }
}
