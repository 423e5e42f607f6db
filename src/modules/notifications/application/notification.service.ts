import { requireViewer } from '../../../platform/authorization';
import type { UnitOfWork } from '../../../platform/database/unit-of-work';
import { NotFoundError } from '../../../platform/errors';
import type { EventPublisher } from '../../../platform/events';
import { isUuid } from '../../../platform/ids';
import type { JobQueue } from '../../../platform/jobs';
import { pageRequest, toPage, type Page } from '../../../platform/pagination';
import type { Viewer } from '../../../platform/viewer';
import { describeOrderNotification, type Notification, type NotificationKind } from '../domain/notification';
import type { NotificationEvents } from '../domain/notification.events';
import type { EmailSender } from './email-sender';
import type { NotificationRepository } from './notification.repository';
import type { Recipients } from './recipients';

export interface SendEmailJob {
  userId: string;
  subject: string;
  text: string;
  /** One email per key, however often the job runs. */
  dedupeKey: string;
}

declare module '../../../platform/jobs' {
  interface JobPayloads {
    'notifications.send-email': SendEmailJob;
  }
}

export interface OrderNotice {
  eventId: string;
  kind: NotificationKind;
  customerId: string;
  orderId: string;
  total: { amount: number; currency: string };
}

export class NotificationService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly users: Recipients,
    private readonly email: EmailSender,
    private readonly jobs: JobQueue,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventPublisher<NotificationEvents>,
  ) {}

  /** An in-app notification and an email job, in one transaction: both or neither. */
  async notifyAboutOrder(notice: OrderNotice): Promise<void> {
    await this.unitOfWork.transaction(async () => {
      const dedupeKey = `${notice.eventId}:${notice.kind}`;
      const message = describeOrderNotification(notice.kind, notice.orderId, notice.total);
      const created = await this.notifications.create({
        userId: notice.customerId,
        kind: notice.kind,
        message,
        orderId: notice.orderId,
        dedupeKey,
      });
      if (!created) return;
      await this.jobs.enqueue('notifications.send-email', {
        userId: notice.customerId,
        subject: subjectFor(notice.kind, notice.orderId),
        text: message,
        dedupeKey,
      });
      await this.events.publish('NotificationCreated', {
        notificationId: created.id,
        userId: created.userId,
        at: created.createdAt.toISOString(),
      });
    });
  }

  /**
   * Sends at most one email per key: the key is claimed (a transaction-scoped lock) before
   * sending, so a second delivery of the job running at the same time waits, then finds it sent.
   * Only a crash between sending and committing can send it twice (SMTP offers no idempotency);
   * it is never lost.
   */
  async sendEmail(job: SendEmailJob): Promise<void> {
    await this.unitOfWork.transaction(async () => {
      await this.notifications.claimEmail(job.dedupeKey);
      if (await this.notifications.wasEmailSent(job.dedupeKey)) return;
      const user = await this.users.findById(job.userId);
      if (!user) return;
      const { messageId } = await this.email.send({ to: user.email, subject: job.subject, text: job.text });
      await this.notifications.recordEmailSent(job.dedupeKey, messageId);
    });
  }

  async list(viewer: Viewer, unreadOnly: boolean, first?: number | null, after?: string | null) {
    const user = requireViewer(viewer);
    const request = pageRequest(first, after);
    const rows = await this.notifications.list(user.id, unreadOnly, request);
    return { page: toPage(rows, request) as Page<Notification>, totalCount: () => this.notifications.count(user.id, unreadOnly) };
  }

  /** Own notifications only; anyone else's is NOT_FOUND, as if it did not exist. */
  async markRead(viewer: Viewer, id: string): Promise<Notification> {
    const user = requireViewer(viewer);
    const updated = isUuid(id) ? await this.notifications.markRead(id, user.id) : null;
    if (!updated) throw new NotFoundError(`Notification ${id} was not found`, 'NOTIFICATION.NOT_FOUND');
    return updated;
  }
}

function subjectFor(kind: NotificationKind, orderId: string): string {
  const short = orderId.slice(0, 8);
  const subjects: Record<NotificationKind, string> = {
    ORDER_PLACED: `Order confirmation ${short}`,
    ORDER_PAID: `Payment received for order ${short}`,
    PAYMENT_FAILED: `Payment failed for order ${short}`,
    ORDER_CANCELLED: `Order ${short} cancelled`,
    ORDER_REFUNDED: `Order ${short} refunded`,
    ORDER_FULFILLED: `Order ${short} shipped`,
  };
  return subjects[kind];
}
