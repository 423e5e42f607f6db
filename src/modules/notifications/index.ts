/** The notifications module's public surface: other modules and the composition import from here only. */

// Application API: the module's factory, its ports' types and its events.
export { createNotificationsModule, type NotificationsModule } from './notifications.module';
export type { EmailMessage, EmailSender } from './application/email-sender';
export type { Recipients } from './application/recipients';
export type { NotificationCreated, NotificationEvents } from './domain/notification.events';
export type { NotificationLiveTopics } from './domain/notification.live';
