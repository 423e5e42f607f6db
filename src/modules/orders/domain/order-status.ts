import { ConflictError } from '../../../platform/errors';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'FULFILLED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The only moves an order can make. Anything else is a CONFLICT, never a silent overwrite.
 * CANCELLED → REFUNDED happens only for an order that was PAID when it was cancelled.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: ['FULFILLED', 'CANCELLED'],
  CANCELLED: ['REFUNDED'],
  FULFILLED: [],
  PAYMENT_FAILED: [],
  REFUNDED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

export class IllegalOrderTransitionError extends ConflictError {
  constructor(orderId: string, from: OrderStatus, to: OrderStatus) {
    super(`Order ${orderId} is ${from} and cannot become ${to}`, 'ORDER.ILLEGAL_TRANSITION');
    Object.assign(this.extensions, { status: from });
  }
}

export function assertTransition(orderId: string, from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalOrderTransitionError(orderId, from, to);
}
