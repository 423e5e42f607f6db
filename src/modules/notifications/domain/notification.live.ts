import type { Notification } from './notification';

/** Live-update topics of notifications: one channel per recipient. */
export interface NotificationLiveTopics {
  NOTIFICATION_ADDED: Notification;
}
