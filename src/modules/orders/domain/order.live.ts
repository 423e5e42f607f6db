import type { Order } from './order';

/**
 * Live-update topics of the orders module. A message carries the order as it was at that event,
 * so subscribers see PENDING then PAID in that order even when they resolve it later.
 */
export interface OrderLiveTopics {
  ORDER_UPDATED: Order;
}

/** Keyed channels an order update goes to: its own, its customer's, and the admins' feed. */
export const orderChannels = (order: Pick<Order, 'id' | 'customerId'>): string[] => [
  `order:${order.id}`,
  `customer:${order.customerId}`,
  'all',
];
