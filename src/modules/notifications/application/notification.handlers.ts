import type { EventHandler } from '../../../platform/events';
import type { JobHandler } from '../../../platform/jobs';
import type { OrderPlaced, OrderStatusChanged } from '../../orders';
import { KIND_FOR_ORDER_STATUS } from '../domain/notification';
import type { NotificationService, SendEmailJob } from './notification.service';

export function notifyOnOrderPlaced(notifications: NotificationService): EventHandler<OrderPlaced> {
  return {
    name: 'notifications.on-order-placed',
    handle: (event, context) =>
      notifications.notifyAboutOrder({
        eventId: context.eventId,
        kind: 'ORDER_PLACED',
        customerId: event.customerId,
        orderId: event.orderId,
        total: event.total,
      }),
  };
}

export function notifyOnOrderStatusChanged(notifications: NotificationService): EventHandler<OrderStatusChanged> {
  return {
    name: 'notifications.on-order-status-changed',
    handle: async (event, context) => {
      const kind = KIND_FOR_ORDER_STATUS[event.to];
      if (!kind) return;
      await notifications.notifyAboutOrder({
        eventId: context.eventId,
        kind,
        customerId: event.customerId,
        orderId: event.orderId,
        total: event.total,
      });
    },
  };
}

export const sendEmailJob =
  (notifications: NotificationService): JobHandler =>
  (payload) =>
    notifications.sendEmail(payload as SendEmailJob);
