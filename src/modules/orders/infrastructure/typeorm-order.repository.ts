import { isUniqueViolation, KeysetListing, type Database, type FilterConditions } from '../../../platform/database';
import { outboxInsertSql, type JobQueue } from '../../../platform/jobs';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { NewOrder, OrderFilter, OrderRepository } from '../application/order.repository';
import { PLACED_ORDER_VERSION, type Order, type OrderItem } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

/** An orders row as the statements below select it (snake_case columns). */
interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  total_amount: number;
  currency: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The unique index that makes an order's idempotency key one per customer. */
const IDEMPOTENCY_KEY_CONSTRAINT = 'orders_customer_idempotency_key';

const COLUMNS = 'o.id, o.customer_id, o.status, o.total_amount, o.currency, o.version, o.created_at, o.updated_at';

/** Orders in SQL over the data source's connection; rows become domain objects in `fromRow` only. */
export class TypeOrmOrderRepository implements OrderRepository {
  private readonly listing: KeysetListing<OrderFilter>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
  ) {
    this.listing = new KeysetListing(db, 'orders', 'o', filterConditions);
  }

  async findByIdempotencyKey(customerId: string, idempotencyKey: string) {
    const rows = await this.db.sql<OrderRow & { request_hash: string }>(
      `SELECT ${COLUMNS}, o.request_hash FROM orders o WHERE o.customer_id = $1 AND o.idempotency_key = $2`,
      [customerId, idempotencyKey],
    );
    return rows[0] ? { order: fromRow(rows[0]), requestHash: rows[0].request_hash } : null;
  }

  /**
   * One statement for the order, its items and the jobs the transaction has enqueued so far (its
   * events), so a placed order costs one round trip less while its stock rows stay locked. A
   * taken key fails the whole statement with a unique violation (not ON CONFLICT DO NOTHING): the
   * transaction is aborted, so a COMMIT sent right behind this statement (UnitOfWork.commitWith)
   * cannot keep the stock it reserved.
   */
  async place(order: NewOrder): Promise<Order | null> {
    try {
      return fromRow((await this.insertPlaced(order))[0]!);
    } catch (error) {
      if (isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) return null;
      throw error;
    }
  }

  private insertPlaced(order: NewOrder): Promise<OrderRow[]> {
    return this.db.sql<OrderRow>(
      `WITH placed AS (
              INSERT INTO orders AS o (id, customer_id, status, total_amount, currency, idempotency_key, request_hash, version, created_at, updated_at)
              VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $8)
              RETURNING ${COLUMNS}),
            items AS (
              INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_amount, currency)
              SELECT placed.id, l.line_no, l.product_id, l.quantity, l.unit_price_amount, l.currency
                FROM placed, unnest($9::uuid[], $10::int[], $11::int[], $12::text[]) WITH ORDINALITY
                     AS l(product_id, quantity, unit_price_amount, currency, line_no)),
            jobs AS (${outboxInsertSql('$13')})
       SELECT * FROM placed`,
      [
        order.id,
        order.customerId,
        order.total.amount,
        order.total.currency,
        order.idempotencyKey,
        order.requestHash,
        PLACED_ORDER_VERSION,
        order.placedAt,
        order.items.map((i) => i.productId),
        order.items.map((i) => i.quantity),
        order.items.map((i) => i.unitPrice.amount),
        order.items.map((i) => i.unitPrice.currency),
        this.jobs.takePending(),
      ],
    );
  }

  async findByIds(ids: readonly string[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.sql<OrderRow>(`SELECT ${COLUMNS} FROM orders o WHERE o.id = ANY($1::uuid[])`, [ids]);
    return rows.map(fromRow);
  }

  async findForUpdate(id: string): Promise<Order | null> {
    const rows = await this.db.sql<OrderRow>(`SELECT ${COLUMNS} FROM orders o WHERE o.id = $1 FOR UPDATE`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async setStatus(id: string, status: OrderStatus): Promise<Order> {
    const rows = await this.db.sql<OrderRow>(
      `UPDATE orders o SET status = $2, version = version + 1, updated_at = now() WHERE o.id = $1 RETURNING ${COLUMNS}`,
      [id, status],
    );
    return fromRow(rows[0]!);
  }

  async itemsOf(orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
    const result = new Map<string, OrderItem[]>();
    if (orderIds.length === 0) return result;
    const rows = await this.db.sql<{ order_id: string; product_id: string; quantity: number; unit_price_amount: number; currency: string }>(
      `SELECT order_id, product_id, quantity, unit_price_amount, currency
         FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
      [orderIds],
    );
    for (const row of rows) {
      const item: OrderItem = { productId: row.product_id, quantity: row.quantity, unitPrice: { amount: row.unit_price_amount, currency: row.currency } };
      const items = result.get(row.order_id);
      if (items) items.push(item);
      else result.set(row.order_id, [item]);
    }
    return result;
  }

  async list(filter: OrderFilter, page: PageRequest<CreatedAtKey>) {
    return (await this.listing.page<OrderRow>(COLUMNS, filter, page)).map(fromRow);
  }

  count(filter: OrderFilter): Promise<number> {
    return this.listing.count(filter);
  }

}

const filterConditions: FilterConditions<OrderFilter> = (filter, params) => {
  const conditions: string[] = [];
  if (filter.customerId) conditions.push(`o.customer_id = ${params.add(filter.customerId)}`);
  if (filter.status) conditions.push(`o.status = ${params.add(filter.status)}`);
  return conditions;
};

function fromRow(r: OrderRow): Order {
  return {
    id: r.id,
    customerId: r.customer_id,
    status: r.status,
    total: { amount: r.total_amount, currency: r.currency },
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
