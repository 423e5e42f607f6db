import { assertPaymentTransition, PAYMENT_STATUSES, PAYMENT_TRANSITIONS } from './payment';

describe('payment status transitions', () => {
  it('allows capture or failure of a pending payment, refund of a captured or given-up one, and nothing else', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) => PAYMENT_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['CAPTURED->REFUNDED', 'FAILED->REFUNDED', 'PENDING->CAPTURED', 'PENDING->FAILED']);
    expect(() => assertPaymentTransition('REFUNDED', 'CAPTURED')).toThrow(/illegal payment transition/);
    expect(() => assertPaymentTransition('PENDING', 'CAPTURED')).not.toThrow();
  });
});
