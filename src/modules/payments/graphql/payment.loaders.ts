import DataLoader from 'dataloader';
import type { PaymentService } from '../application/payment.service';
import type { Payment } from '../domain/payment';

export class PaymentLoaders {
  readonly byOrderId: DataLoader<string, Payment | null>;

  constructor(payments: PaymentService) {
    this.byOrderId = new DataLoader(async (orderIds) => {
      const found = new Map((await payments.findByOrderIds(orderIds)).map((p) => [p.orderId, p]));
      return orderIds.map((id) => found.get(id) ?? null);
    });
  }
}
