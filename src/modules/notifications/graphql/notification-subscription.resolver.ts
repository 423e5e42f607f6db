import { Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import type { NotificationLiveUpdates } from '../application/notification-live-updates';
import type { Notification } from '../domain/notification';
import { NotificationType } from './notification.types';

/** The notificationAdded subscription over its live-update source (injected by closure, see orderSubscriptionResolver). */
export function notificationSubscriptionResolver(live: NotificationLiveUpdates) {
  @Resolver(() => NotificationType)
  class NotificationSubscriptionResolver {
    @Subscription(() => NotificationType, {
      description: 'New notifications for the signed-in user. Anonymous: UNAUTHENTICATED.',
      subscribe: ({ context }) => live.subscribe((context as GraphQLContext).viewer),
    })
    notificationAdded(@Root() notification: Notification): NotificationType {
      return NotificationType.from(notification);
    }
  }
  return NotificationSubscriptionResolver;
}
