import DataLoader from 'dataloader';
import { observedBatch, type BatchObserver } from '../../../platform/graphql/loader-registry';
import type { OrderService } from '../application/order.service';
import type { Order, OrderItem } from '../domain/order';

/** Orders and their items by order id, batched per request (Order.items, Notification.order). */
export class OrderLoaders {
  readonly byId: DataLoader<string, Order | null>;
  readonly itemsByOrderId: DataLoader<string, OrderItem[]>;

  constructor(orders: OrderService, observeBatch: BatchObserver) {
    this.byId = new DataLoader(
      observedBatch('orders.byId', observeBatch, async (ids: readonly string[]) => {
        const found = new Map((await orders.findByIds(ids)).map((o) => [o.id, o]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    );
    this.itemsByOrderId = new DataLoader(
      observedBatch('orders.itemsByOrderId', observeBatch, async (ids: readonly string[]) => {
        const items = await orders.itemsOf(ids);
        return ids.map((id) => items.get(id) ?? []);
      }),
    );
  }
}
