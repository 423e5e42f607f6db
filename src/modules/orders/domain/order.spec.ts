import { changeStatus, requestFingerprint, validateOrderRequest, orderTotal, type Order } from './order';
import { canTransition, ORDER_STATUSES, ORDER_TRANSITIONS, assertTransition, IllegalOrderTransitionError } from './order-status';

describe('order status transitions', () => {
  it('allows exactly the moves of the contract', () => {
    const allowed = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      ['PENDING->PAID', 'PENDING->PAYMENT_FAILED', 'PENDING->CANCELLED', 'PAID->FULFILLED', 'PAID->CANCELLED', 'CANCELLED->REFUNDED'].sort(),
    );
  });

  it('makes final states final', () => {
    for (const status of ['FULFILLED', 'PAYMENT_FAILED', 'REFUNDED'] as const) expect(ORDER_TRANSITIONS[status]).toEqual([]);
  });

  it('reports an illegal move as a CONFLICT naming the current status', () => {
    expect(() => assertTransition('o1', 'FULFILLED', 'CANCELLED')).toThrow(IllegalOrderTransitionError);
    try {
      assertTransition('o1', 'FULFILLED', 'CANCELLED');
    } catch (error) {
      expect((error as IllegalOrderTransitionError).code).toBe('CONFLICT');
      expect((error as IllegalOrderTransitionError).extensions.status).toBe('FULFILLED');
    }
  });
});

describe('changing an order status', () => {
  const order = (status: Order['status']): Order => ({
    id: 'o1',
    customerId: 'c1',
    status,
    total: { amount: 500, currency: 'EUR' },
    version: 1,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
  });

  it('when a move is in the table, then it returns the event it causes', () => {
    expect(changeStatus(order('PENDING'), 'CANCELLED', 'cancelled by the customer').event).toEqual({
      orderId: 'o1',
      customerId: 'c1',
      from: 'PENDING',
      to: 'CANCELLED',
      total: { amount: 500, currency: 'EUR' },
      reason: 'cancelled by the customer',
      placedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('when an order is cancelled or its payment fails, then its stock returns; otherwise it stays sold', () => {
    expect(changeStatus(order('PENDING'), 'CANCELLED').releasesStock).toBe(true);
    expect(changeStatus(order('PAID'), 'CANCELLED').releasesStock).toBe(true);
    expect(changeStatus(order('PENDING'), 'PAYMENT_FAILED').releasesStock).toBe(true);
    expect(changeStatus(order('PENDING'), 'PAID').releasesStock).toBe(false);
    expect(changeStatus(order('PAID'), 'FULFILLED').releasesStock).toBe(false);
    expect(changeStatus(order('CANCELLED'), 'REFUNDED').releasesStock).toBe(false);
  });

  it('when a move is not in the table, then it is a CONFLICT and decides nothing', () => {
    expect(() => changeStatus(order('REFUNDED'), 'CANCELLED')).toThrow(IllegalOrderTransitionError);
  });
});

describe('order requests', () => {
  const line = (productId: string, quantity = 1) => ({ productId, quantity });

  it('fingerprints the same items in any order alike, and other quantities differently', () => {
    expect(requestFingerprint([line('a', 1), line('b', 2)])).toBe(requestFingerprint([line('b', 2), line('a', 1)]));
    expect(requestFingerprint([line('a', 1)])).not.toBe(requestFingerprint([line('a', 2)]));
  });

  it('validates line count, quantities, duplicates and key length with field paths', () => {
    expect(validateOrderRequest([], 'k').map((p) => p.path)).toEqual(['input.items']);
    expect(validateOrderRequest([line('a', 0), line('a', 1001)], '').map((p) => p.path)).toEqual([
      'input.items.0.quantity',
      'input.items.1.quantity',
      'input.items.1.productId',
      'input.idempotencyKey',
    ]);
    expect(validateOrderRequest([line('a')], 'x'.repeat(256)).map((p) => p.path)).toEqual(['input.idempotencyKey']);
    expect(validateOrderRequest(Array.from({ length: 50 }, (_, i) => line(String(i))), 'k')).toEqual([]);
  });

  it('totals integer minor units', () => {
    expect(
      orderTotal([
        { productId: 'a', quantity: 3, unitPrice: { amount: 333, currency: 'EUR' } },
        { productId: 'b', quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } },
      ]),
    ).toEqual({ amount: 1000, currency: 'EUR' });
  });
});
