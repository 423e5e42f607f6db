import type { Database } from '../../../platform/database';
import type { Money } from '../../../platform/money';
import type { PaymentRepository } from '../application/payment.repository';
import type { Payment, PaymentStatus } from '../domain/payment';

interface PaymentRow {
  id: string;
  order_id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  attempts: number;
  last_error: string | null;
  provider_capture_id: string | null;
  updated_at: Date;
}

const COLUMNS = 'id, order_id, status, amount, currency, attempts, last_error, provider_capture_id, updated_at';

const MAX_ERROR_LENGTH = 1000;

/** Payments in SQL over the data source's connection; rows become domain objects in `fromRow` only. */
export class TypeOrmPaymentRepository implements PaymentRepository {
  constructor(private readonly db: Database) {}

  async ensureForOrder(orderId: string, amount: Money): Promise<{ payment: Payment; created: boolean }> {
    const inserted = await this.db.sql<PaymentRow>(
      `INSERT INTO payments (order_id, status, amount, currency) VALUES ($1, 'PENDING', $2, $3)
       ON CONFLICT (order_id) DO NOTHING RETURNING ${COLUMNS}`,
      [orderId, amount.amount, amount.currency],
    );
    if (inserted[0]) return { payment: fromRow(inserted[0]), created: true };
    const [row] = await this.db.sql<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1`, [orderId]);
    return { payment: fromRow(row!), created: false };
  }

  async findByOrderIds(orderIds: readonly string[]): Promise<Payment[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.sql<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = ANY($1::uuid[])`, [orderIds]);
    return rows.map(fromRow);
  }

  async countAttempt(paymentId: string): Promise<void> {
    await this.db.sql(`UPDATE payments SET attempts = attempts + 1, updated_at = now() WHERE id = $1`, [paymentId]);
  }

  async recordError(paymentId: string, error: string): Promise<void> {
    await this.db.sql(`UPDATE payments SET last_error = $2, updated_at = now() WHERE id = $1`, [paymentId, error.slice(0, MAX_ERROR_LENGTH)]);
  }

  async transition(
    paymentId: string,
    from: PaymentStatus,
    to: PaymentStatus,
    changes: { providerCaptureId?: string; providerRefundId?: string; lastError?: string | null } = {},
  ): Promise<Payment | null> {
    const rows = await this.db.sql<PaymentRow>(
      `UPDATE payments
          SET status = $3,
              provider_capture_id = COALESCE($4, provider_capture_id),
              provider_refund_id = COALESCE($5, provider_refund_id),
              last_error = CASE WHEN $6::boolean THEN $7 ELSE last_error END,
              updated_at = now()
        WHERE id = $1 AND status = $2
        RETURNING ${COLUMNS}`,
      [
        paymentId,
        from,
        to,
        changes.providerCaptureId ?? null,
        changes.providerRefundId ?? null,
        'lastError' in changes,
        changes.lastError?.slice(0, MAX_ERROR_LENGTH) ?? null,
      ],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }
}

function fromRow(r: PaymentRow): Payment {
  return {
    id: r.id,
    orderId: r.order_id,
    status: r.status,
    amount: { amount: r.amount, currency: r.currency },
    attempts: r.attempts,
    lastError: r.last_error,
    providerCaptureId: r.provider_capture_id,
    updatedAt: r.updated_at,
  };
}
