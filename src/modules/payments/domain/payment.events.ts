/** Events the payments module publishes. */
export interface PaymentEvents {
  PaymentCaptured: { paymentId: string; orderId: string; amount: { amount: number; currency: string }; at: string };
  PaymentFailed: { paymentId: string; orderId: string; reason: string; at: string };
  PaymentRefunded: { paymentId: string; orderId: string; amount: { amount: number; currency: string }; at: string };
}
