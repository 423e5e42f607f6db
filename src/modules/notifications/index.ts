/** The notifications module's public surface. */
export { createNotificationsModule, type NotificationsModule } from './notifications.module';
export type { EmailMessage, EmailSender } from './application/email-sender';
export type { NotificationService } from './application/notification.service';
export type { NotificationEvents } from './domain/notification.events';
export { NotificationType } from './graphql/notification.types';
export type { NotificationLiveTopics } from './domain/notification.live';
