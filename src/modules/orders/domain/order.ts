import { createHash } from 'node:crypto';
import type { FieldProblem } from '../../../platform/errors';
import type { Money } from '../../../platform/money';
import type { OrderStatusChanged } from './order.events';
import { assertTransition, type OrderStatus } from './order-status';

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  total: Money;
  /** PLACED_ORDER_VERSION when placed, one more with every status change: clients order live updates by it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An order's version when it is placed (its first live update, OrderPlaced, carries no version of its own). */
export const PLACED_ORDER_VERSION = 1;

export interface OrderLine {
  productId: string;
  quantity: number;
}

export const ORDER_LIMITS = { minLines: 1, maxLines: 50, minQuantity: 1, maxQuantity: 1000, maxKeyLength: 255 } as const;

export function validateOrderRequest(lines: readonly OrderLine[], idempotencyKey: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (lines.length < ORDER_LIMITS.minLines || lines.length > ORDER_LIMITS.maxLines) {
    problems.push({ path: 'input.items', message: `must have ${ORDER_LIMITS.minLines} to ${ORDER_LIMITS.maxLines} lines` });
  }
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity < ORDER_LIMITS.minQuantity || line.quantity > ORDER_LIMITS.maxQuantity) {
      problems.push({
        path: `input.items.${index}.quantity`,
        message: `must be ${ORDER_LIMITS.minQuantity} to ${ORDER_LIMITS.maxQuantity}`,
      });
    }
    if (seen.has(line.productId)) {
      problems.push({ path: `input.items.${index}.productId`, message: 'each product may appear only once' });
    }
    seen.add(line.productId);
  });
  if (idempotencyKey.length < 1 || idempotencyKey.length > ORDER_LIMITS.maxKeyLength) {
    problems.push({ path: 'input.idempotencyKey', message: `must be 1 to ${ORDER_LIMITS.maxKeyLength} characters` });
  }
  return problems;
}

/**
 * What an idempotency key was used for, independent of line order: the same items in another
 * order are the same request.
 */
export function requestFingerprint(lines: readonly OrderLine[]): string {
  const canonical = [...lines]
    .sort((a, b) => a.productId.localeCompare(b.productId))
    .map((l) => `${l.productId.toLowerCase()}:${l.quantity}`)
    .join(',');
  return createHash('sha256').update(canonical).digest('hex');
}

export function orderTotal(items: readonly OrderItem[]): Money {
  const currency = items[0]!.unitPrice.currency;
  return { amount: items.reduce((sum, item) => sum + item.unitPrice.amount * item.quantity, 0), currency };
}

/** What a status change decides: the new status, whether the order's stock returns, and the event it causes. */
export interface StatusChange {
  to: OrderStatus;
  releasesStock: boolean;
  /** Without `at` and `orderVersion`: the time and version of the stored change, which only the store knows. */
  event: Omit<OrderStatusChanged, 'at' | 'orderVersion'>;
}

/**
 * Moves an order along its transition table (an illegal move is a CONFLICT). A cancelled or
 * failed order gives its stock back, exactly once, because those states are left only for REFUNDED.
 */
export function changeStatus(order: Order, to: OrderStatus, reason?: string): StatusChange {
  assertTransition(order.id, order.status, to);
  return {
    to,
    releasesStock: to === 'CANCELLED' || to === 'PAYMENT_FAILED',
    event: {
      orderId: order.id,
      customerId: order.customerId,
      from: order.status,
      to,
      total: order.total,
      ...(reason ? { reason } : {}),
      placedAt: order.createdAt.toISOString(),
    },
  };
}
