import { decidePaymentTransition, IllegalPaymentTransitionError, PAYMENT_STATUSES, PAYMENT_TRANSITIONS } from './payment';

describe('payment status transitions', () => {
  it('allows capture or failure of a pending payment, refund of a captured or given-up one, and nothing else', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) => PAYMENT_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['CAPTURED->REFUNDED', 'FAILED->REFUNDED', 'PENDING->CAPTURED', 'PENDING->FAILED']);
  });

  it('when a move is not in the table, then it is a CONFLICT naming the current status', () => {
    expect(() => decidePaymentTransition('REFUNDED', 'CAPTURED')).toThrow(IllegalPaymentTransitionError);
    try {
      decidePaymentTransition('CAPTURED', 'FAILED');
    } catch (error) {
      expect((error as IllegalPaymentTransitionError).code).toBe('CONFLICT');
      expect((error as IllegalPaymentTransitionError).reason).toBe('PAYMENT.ILLEGAL_TRANSITION');
      expect((error as IllegalPaymentTransitionError).extensions.status).toBe('CAPTURED');
    }
  });

  it('decides what each move means for the order', () => {
    expect(decidePaymentTransition('PENDING', 'CAPTURED').order).toBe('PAID');
    expect(decidePaymentTransition('PENDING', 'FAILED').order).toBe('PAYMENT_FAILED');
    expect(decidePaymentTransition('CAPTURED', 'REFUNDED').order).toBe('REFUNDED');
    // A given-up payment refunded later: the order already failed.
    expect(decidePaymentTransition('FAILED', 'REFUNDED').order).toBeNull();
  });
});
