/** Events the payments module publishes. Payloads are plain JSON: they travel through the job queue. */
export interface PaymentEvents {
  /**
   * A payment row changed: created, an attempt counted, an error recorded, or its status moved.
   * Its order's answers show the payment, so they are stale from here on.
   */
  PaymentChanged: { paymentId: string; orderId: string; at: string };
}
