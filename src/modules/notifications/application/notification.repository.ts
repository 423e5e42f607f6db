import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { Notification, NotificationKind } from '../domain/notification';

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  message: string;
  orderId: string | null;
  dedupeKey: string;
}

export interface NotificationRepository {
  /** Null when a notification with the dedupe key exists already. */
  create(notification: NewNotification): Promise<Notification | null>;
  findById(id: string): Promise<Notification | null>;
  list(userId: string, unreadOnly: boolean, page: PageRequest<CreatedAtKey>): Promise<Notification[]>;
  count(userId: string, unreadOnly: boolean): Promise<number>;
  markRead(id: string, userId: string): Promise<Notification | null>;
  /** Inside a transaction: holds the key until it ends, so one sender at a time decides. */
  claimEmail(dedupeKey: string): Promise<void>;
  wasEmailSent(dedupeKey: string): Promise<boolean>;
  recordEmailSent(dedupeKey: string, messageId: string): Promise<void>;
}
