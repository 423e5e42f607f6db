import { formatMoney } from '../../../platform/money';

export type NotificationKind = 'ORDER_PLACED' | 'ORDER_PAID' | 'PAYMENT_FAILED' | 'ORDER_CANCELLED' | 'ORDER_REFUNDED' | 'ORDER_FULFILLED';

export interface Notification {
  id: string;
  userId: string;
  kind: NotificationKind;
  message: string;
  orderId: string | null;
  readAt: Date | null;
  createdAt: Date;
}

/** The notification an order status change produces, if any. */
export const KIND_FOR_ORDER_STATUS: Readonly<Record<string, NotificationKind | undefined>> = {
  PAID: 'ORDER_PAID',
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  CANCELLED: 'ORDER_CANCELLED',
  REFUNDED: 'ORDER_REFUNDED',
  FULFILLED: 'ORDER_FULFILLED',
};

export function describeOrderNotification(kind: NotificationKind, orderId: string, total: { amount: number; currency: string }): string {
  const order = `Order ${orderId}`;
  switch (kind) {
    case 'ORDER_PLACED':
      return `${order} for ${formatMoney(total)} was placed. We will confirm your payment shortly.`;
    case 'ORDER_PAID':
      return `${order} is paid (${formatMoney(total)}). Thank you!`;
    case 'PAYMENT_FAILED':
      return `${order}: the payment did not go through, so the order was not completed.`;
    case 'ORDER_CANCELLED':
      return `${order} was cancelled.`;
    case 'ORDER_REFUNDED':
      return `${order} was refunded (${formatMoney(total)}).`;
    case 'ORDER_FULFILLED':
      return `${order} is on its way.`;
  }
}
