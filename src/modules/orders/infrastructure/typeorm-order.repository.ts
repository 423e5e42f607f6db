import { In, type SelectQueryBuilder } from 'typeorm';
import { keysetPage, type Database } from '../../../platform/database';
import type { Money } from '../../../platform/money';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { OrderFilter, OrderRepository } from '../application/order.repository';
import type { Order, OrderItem } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';
import { OrderItemOrmEntity, OrderOrmEntity } from './order.orm-entities';

/** ISO 4217's "no currency": a claimed order has no total until its items are priced. */
const NO_CURRENCY = 'XXX';

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  total_amount: number;
  currency: string;
  created_at: Date;
  updated_at: Date;
}

export class TypeOrmOrderRepository implements OrderRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.manager.getRepository(OrderOrmEntity);
  }

  async claimIdempotencyKey(customerId: string, idempotencyKey: string, requestHash: string): Promise<string | null> {
    const rows = await this.db.sql<{ id: string }>(
      `INSERT INTO orders (customer_id, status, total_amount, currency, idempotency_key, request_hash)
       VALUES ($1, 'PENDING', 0, $2, $3, $4)
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING
       RETURNING id`,
      [customerId, NO_CURRENCY, idempotencyKey, requestHash],
    );
    return rows[0]?.id ?? null;
  }

  async findByIdempotencyKey(customerId: string, idempotencyKey: string) {
    const row = await this.repo.findOneBy({ customerId, idempotencyKey });
    return row ? { order: fromEntity(row), requestHash: row.requestHash } : null;
  }

  async complete(orderId: string, total: Money, items: readonly OrderItem[]): Promise<Order> {
    await this.db.manager.getRepository(OrderItemOrmEntity).insert(
      items.map((item, index) => ({
        orderId,
        lineNo: index + 1,
        productId: item.productId,
        quantity: item.quantity,
        unitPriceAmount: item.unitPrice.amount,
        currency: item.unitPrice.currency,
      })),
    );
    const rows = await this.db.sql<OrderRow>(
      `UPDATE orders SET total_amount = $2, currency = $3 WHERE id = $1 RETURNING *`,
      [orderId, total.amount, total.currency],
    );
    return fromRow(rows[0]!);
  }

  async findByIds(ids: readonly string[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    return (await this.repo.findBy({ id: In([...ids]) })).map(fromEntity);
  }

  async findForUpdate(id: string): Promise<Order | null> {
    const rows = await this.db.sql<OrderRow>(`SELECT * FROM orders WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async setStatus(id: string, status: OrderStatus): Promise<Order> {
    const rows = await this.db.sql<OrderRow>(
      `UPDATE orders SET status = $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, status],
    );
    return fromRow(rows[0]!);
  }

  async itemsOf(orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
    const result = new Map<string, OrderItem[]>();
    if (orderIds.length === 0) return result;
    const rows = await this.db.manager
      .getRepository(OrderItemOrmEntity)
      .find({ where: { orderId: In([...orderIds]) }, order: { orderId: 'ASC', lineNo: 'ASC' } });
    for (const row of rows) {
      const items = result.get(row.orderId) ?? [];
      items.push({ productId: row.productId, quantity: row.quantity, unitPrice: { amount: row.unitPriceAmount, currency: row.currency } });
      result.set(row.orderId, items);
    }
    return result;
  }

  async list(filter: OrderFilter, page: PageRequest<CreatedAtKey>): Promise<Order[]> {
    return (await keysetPage(this.filtered(filter), page).getMany()).map(fromEntity);
  }

  count(filter: OrderFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  private filtered(filter: OrderFilter): SelectQueryBuilder<OrderOrmEntity> {
    const query = this.repo.createQueryBuilder('o');
    if (filter.customerId) query.andWhere('o.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.status) query.andWhere('o.status = :status', { status: filter.status });
    return query;
  }
}

function fromEntity(e: OrderOrmEntity): Order {
  return {
    id: e.id,
    customerId: e.customerId,
    status: e.status,
    total: { amount: e.totalAmount, currency: e.currency },
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function fromRow(r: OrderRow): Order {
  return {
    id: r.id,
    customerId: r.customer_id,
    status: r.status,
    total: { amount: r.total_amount, currency: r.currency },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
