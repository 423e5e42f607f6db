import { requireViewer } from '../../../platform/authorization';
import type { EventHandler } from '../../../platform/events';
import type { LiveChannels } from '../../../platform/pubsub';
import type { Viewer } from '../../../platform/viewer';
import type { Notification } from '../domain/notification';
import type { NotificationCreated } from '../domain/notification.events';
import type { NotificationLiveTopics } from '../domain/notification.live';
import type { NotificationRepository } from './notification.repository';

/** notificationAdded: each user hears only their own channel. */
export class NotificationLiveUpdates {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly channels: LiveChannels<NotificationLiveTopics>,
  ) {}

  subscribe(viewer: Viewer): Promise<AsyncIterableIterator<Notification>> {
    const user = requireViewer(viewer);
    return this.channels.subscribe('NOTIFICATION_ADDED', [`user:${user.id}`]);
  }

  handler(): EventHandler<NotificationCreated> {
    return {
      name: 'notifications.live-on-notification-created',
      transactional: false,
      maxAttempts: 5,
      handle: async (event) => {
        const notification = await this.notifications.findById(event.notificationId);
        if (notification) await this.channels.publish('NOTIFICATION_ADDED', [`user:${notification.userId}`], notification);
      },
    };
  }
}
