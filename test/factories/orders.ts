import { randomUUID } from 'node:crypto';
import { OrderDocument, PlaceOrderDocument, type OrderFieldsFragment } from '../generated/graphql';
import { dataOf } from '../support/graphql-client';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import type { TestUser } from './index';

/** The placeOrder response as it came, errors included: for the tests of refusals. */
export function tryPlaceOrder(test: TestApp, customer: TestUser, items: { productId: string; quantity: number }[], idempotencyKey = randomUUID()) {
  return test.client.request(PlaceOrderDocument, { input: { items, idempotencyKey } }, { token: customer.token });
}

export async function placeOrder(
  test: TestApp,
  customer: TestUser,
  items: { productId: string; quantity: number }[],
  idempotencyKey = randomUUID(),
): Promise<OrderFieldsFragment> {
  return dataOf(await tryPlaceOrder(test, customer, items, idempotencyKey)).placeOrder;
}

export async function readOrder(test: TestApp, viewer: TestUser, id: string): Promise<OrderFieldsFragment> {
  return dataOf(await test.client.request(OrderDocument, { id }, { token: viewer.token })).order!;
}

/** Waits for the worker to move the order to `status`. */
export function orderReaches(test: TestApp, viewer: TestUser, id: string, status: string, timeoutMs = 10_000) {
  return eventually(
    () => readOrder(test, viewer, id),
    (order) => order.status === status,
    { timeoutMs, what: `order ${id} to become ${status}` },
  );
}
