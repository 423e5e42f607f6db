import type { Database } from '../../../platform/database';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { NewNotification, NotificationRepository } from '../application/notification.repository';
import type { Notification, NotificationKind } from '../domain/notification';

interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  message: string;
  order_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, user_id, kind, message, order_id, read_at, created_at';

/** Plain SQL: every statement here is one the notifications indexes were made for. */
export class SqlNotificationRepository implements NotificationRepository {
  constructor(private readonly db: Database) {}

  async create(n: NewNotification): Promise<Notification | null> {
    const rows = await this.db.sql<NotificationRow>(
      `INSERT INTO notifications (user_id, kind, message, order_id, dedupe_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [n.userId, n.kind, n.message, n.orderId, n.dedupeKey],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async findById(id: string): Promise<Notification | null> {
    const rows = await this.db.sql<NotificationRow>(`SELECT ${COLUMNS} FROM notifications WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async list(userId: string, unreadOnly: boolean, page: PageRequest<CreatedAtKey>): Promise<Notification[]> {
    const rows = await this.db.sql<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE user_id = $1
          AND ($2::boolean IS FALSE OR read_at IS NULL)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $5`,
      [userId, unreadOnly, page.after?.createdAt ?? null, page.after?.id ?? null, page.first + 1],
    );
    return rows.map(fromRow);
  }

  async count(userId: string, unreadOnly: boolean): Promise<number> {
    const [row] = await this.db.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM notifications WHERE user_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL)`,
      [userId, unreadOnly],
    );
    return row!.count;
  }

  async markRead(id: string, userId: string): Promise<Notification | null> {
    const rows = await this.db.sql<NotificationRow>(
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, userId],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async claimEmail(dedupeKey: string): Promise<void> {
    await this.db.sql(`SELECT pg_advisory_xact_lock(hashtextextended('sent_emails:' || $1, 0))`, [dedupeKey]);
  }

  async wasEmailSent(dedupeKey: string): Promise<boolean> {
    const rows = await this.db.sql(`SELECT 1 FROM sent_emails WHERE dedupe_key = $1`, [dedupeKey]);
    return rows.length > 0;
  }

  async recordEmailSent(dedupeKey: string, messageId: string): Promise<void> {
    await this.db.sql(`INSERT INTO sent_emails (dedupe_key, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [dedupeKey, messageId]);
  }
}

function fromRow(r: NotificationRow): Notification {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    message: r.message,
    orderId: r.order_id,
    readAt: r.read_at,
    createdAt: r.created_at,
  };
}
