import { dataOf } from '../support/graphql-client';
import { orderOfNewProduct, startShop, type Shop } from '../support/shop';
import { eventually } from '../support/wait';

// A payment changes (created, an attempt counted, an error recorded) while its order stays PENDING:
// only the payments module's PaymentChanged fact can tell the cache that the order's answer is stale.
const ORDER_WITH_PAYMENT = 'query O($id: ID!) { order(id: $id) { status payment { status attempts lastError } } }';

type OrderWithPayment = { order: { status: string; payment: { status: string; attempts: number; lastError: string | null } | null } };

describe('response cache: the payment under a cached order', () => {
  let shop: Shop;

  beforeAll(async () => {
    // The worker starts later, so the order is cached before anything happens to its payment.
    shop = await startShop({ env: { RESPONSE_CACHE: 'on' } });
  });
  afterAll(() => shop.test.stop());

  it('when a capture attempt fails and the order stays PENDING, then the cached order shows the attempt and its error', async () => {
    const { test } = shop;
    const { customer, order } = await orderOfNewProduct(shop, { stock: 5 });
    const read = () => test.client.post<OrderWithPayment>({ query: ORDER_WITH_PAYMENT, variables: { id: order.id } }, { token: customer.token });
    await read();
    const cached = await read();
    expect(cached.extensions?.cache).toBe('hit');
    expect(dataOf(cached).order.payment).toBeNull();

    test.paymentProvider.setBehaviour({ mode: 'fail' });
    await test.startWorker();

    const after = await eventually(read, (r) => (dataOf(r).order.payment?.attempts ?? 0) >= 1 && dataOf(r).order.payment?.lastError != null, {
      timeoutMs: 20_000,
      what: 'the failed attempt visible on the order',
    });
    expect(dataOf(after).order).toMatchObject({ status: 'PENDING', payment: { status: 'PENDING' } });
  }, 40_000);
});
