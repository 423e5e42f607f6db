import { randomUUID } from 'node:crypto';
import { CreateProductDocument, SignUpDocument, type CreateProductInput } from '../generated/graphql';
import { dataOf } from '../support/graphql-client';
import type { TestApp } from '../support/test-app';

export const PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  token: string;
}

const unique = () => randomUUID().slice(0, 8);

/** A customer signed up through the API, with a token. */
export async function signUpCustomer(test: TestApp, overrides: { name?: string; email?: string } = {}): Promise<TestUser> {
  const email = overrides.email ?? `customer-${unique()}@example.com`;
  const name = overrides.name ?? `Customer ${unique()}`;
  const { signUp } = dataOf(await test.client.request(SignUpDocument, { input: { email, name, password: PASSWORD } }));
  return { id: signUp.user.id, email, name, token: signUp.token };
}

/** An admin made the way `npm run create-admin` makes one, then signed in through the API. */
export async function createAdmin(test: TestApp): Promise<TestUser> {
  const email = `admin-${unique()}@example.com`;
  const { user } = await test.app.modules.users.service.ensureAdmin({ email, password: PASSWORD, name: 'Admin' });
  const session = await test.app.modules.users.service.signIn({ email, password: PASSWORD }, 'test-factory');
  return { id: user.id, email, name: user.name, token: session.token };
}

export function productInput(overrides: Partial<CreateProductInput> = {}): CreateProductInput {
  const sku = `SKU-${unique()}`;
  return {
    sku,
    name: `Product ${sku}`,
    description: 'A product made by a test',
    priceAmount: 1999,
    currency: 'EUR',
    stock: 10,
    ...overrides,
  };
}

export async function createProduct(test: TestApp, admin: TestUser, overrides: Partial<CreateProductInput> = {}) {
  const result = await test.client.request(CreateProductDocument, { input: productInput(overrides) }, { token: admin.token });
  return dataOf(result).createProduct;
}
