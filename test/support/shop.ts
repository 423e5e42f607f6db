import { createAdmin, createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import type { CreateProductInput, OrderFieldsFragment } from '../generated/graphql';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';

/**
 * The arrange steps the API suites share: an app on a fresh database with an admin to run the
 * catalog, and customers with products and orders made through the API the way a shop's users
 * make them.
 */
export interface Shop {
  test: TestApp;
  admin: TestUser;
}

/** The API (with a job worker when `options.worker`) on its own database, and an admin. */
export async function startShop(options: TestAppOptions = {}): Promise<Shop> {
  const test = await startTestApp(options);
  return { test, admin: await createAdmin(test) };
}

/** A new customer, and a new product the admin created. */
export async function customerAndProduct({ test, admin }: Shop, product: Partial<CreateProductInput> = {}) {
  const customer = await signUpCustomer(test);
  return { customer, product: await createProduct(test, admin, product) };
}

export interface NewOrder {
  customer: TestUser;
  product: Awaited<ReturnType<typeof createProduct>>;
  order: OrderFieldsFragment;
}

/**
 * A new customer's order of `quantity` units of a new product; with `reaches`, waits for the
 * worker to move the order there (e.g. PAID) and returns it as it is then.
 */
export async function orderOfNewProduct(
  shop: Shop,
  { quantity = 1, reaches, ...product }: Partial<CreateProductInput> & { quantity?: number; reaches?: string } = {},
): Promise<NewOrder> {
  const { customer, product: created } = await customerAndProduct(shop, product);
  const placed = await placeOrder(shop.test, customer, [{ productId: created.id, quantity }]);
  const order = reaches ? await orderReaches(shop.test, customer, placed.id, reaches) : placed;
  return { customer, product: created, order };
}
