import DataLoader from 'dataloader';
import { observedBatch, type BatchObserver } from '../../../platform/graphql/loader-registry';
import type { PaymentService } from '../application/payment.service';
import type { Payment } from '../domain/payment';

export class PaymentLoaders {
  readonly byOrderId: DataLoader<string, Payment | null>;

  constructor(payments: PaymentService, observeBatch: BatchObserver) {
    this.byOrderId = new DataLoader(
      observedBatch('payments.byOrderId', observeBatch, async (orderIds: readonly string[]) => {
        const found = new Map((await payments.findByOrderIds(orderIds)).map((p) => [p.orderId, p]));
        return orderIds.map((id) => found.get(id) ?? null);
      }),
    );
  }
}
