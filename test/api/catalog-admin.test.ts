import { randomUUID } from 'node:crypto';
import { CreateProductDocument, RestockProductDocument, UpdateProductDocument } from '../generated/graphql';
import { createProduct, productInput, signUpCustomer, type TestUser } from '../factories';
import { listProducts, readProduct, skusOf } from '../support/catalog';
import { dataOf, errorCodes, fieldPaths } from '../support/graphql-client';
import { startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';

/** What admins do to the catalog (create, update, restock) and what everyone else may not. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop()));
afterAll(() => test.stop());

describe('createProduct', () => {
  it('when nobody is signed in, then it fails with UNAUTHENTICATED and creates nothing', async () => {
    const input = productInput();

    const result = await test.client.request(CreateProductDocument, { input });

    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(skusOf(await listProducts(test, { filter: { search: input.sku } }))).toEqual([]);
  });

  it('when a customer tries, then it fails with FORBIDDEN and creates nothing', async () => {
    const customer = await signUpCustomer(test);
    const input = productInput();

    const result = await test.client.request(CreateProductDocument, { input }, { token: customer.token });

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(skusOf(await listProducts(test, { filter: { search: input.sku } }))).toEqual([]);
  });

  it('when an admin creates a product, then it is stored at version 1 with no rating yet', async () => {
    const input = productInput({ name: 'Mechanical keyboard', priceAmount: 8999, currency: 'USD', stock: 7 });

    const created = dataOf(await test.client.request(CreateProductDocument, { input }, { token: admin.token })).createProduct;

    expect(created).toMatchObject({
      sku: input.sku,
      name: 'Mechanical keyboard',
      description: input.description,
      price: { amount: 8999, currency: 'USD' },
      stock: 7,
      version: 1,
      averageRating: null,
    });
    expect(await readProduct(test, created.id)).toEqual(created);
  });

  it('when the SKU is already taken, then it fails with CONFLICT and the first product is untouched', async () => {
    const first = await createProduct(test, admin, { name: 'The original' });

    const result = await test.client.request(
      CreateProductDocument,
      { input: productInput({ sku: first.sku, name: 'The copy' }) },
      { token: admin.token },
    );

    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(skusOf(await listProducts(test, { filter: { search: first.sku } }))).toEqual([first.sku]);
    expect((await readProduct(test, first.id))?.name).toBe('The original');
  });

  it('when the input is invalid, then BAD_USER_INPUT names every field at fault', async () => {
    const input = productInput({ currency: 'euro', priceAmount: -1, stock: -5, sku: 'has spaces' });

    const result = await test.client.request(CreateProductDocument, { input }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['input.currency', 'input.priceAmount', 'input.sku', 'input.stock']);
    expect(result.data ?? null).toBeNull();
  });

  it('when the name is only whitespace, then it is BAD_USER_INPUT on input.name', async () => {
    const result = await test.client.request(CreateProductDocument, { input: productInput({ name: '   ' }) }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['input.name']);
  });
});

describe('updateProduct', () => {
  it('when the expected version is current, then the change is saved and the version goes up by one', async () => {
    const product = await createProduct(test, admin, { name: 'Old name', priceAmount: 1000 });

    const { updateProduct } = dataOf(
      await test.client.request(
        UpdateProductDocument,
        { id: product.id, input: { name: 'New name', priceAmount: 1200, expectedVersion: product.version } },
        { token: admin.token },
      ),
    );

    expect(updateProduct).toMatchObject({ id: product.id, name: 'New name', price: { amount: 1200, currency: 'EUR' }, version: 2 });
    expect(updateProduct.description).toBe(product.description);
    expect(await readProduct(test, product.id)).toMatchObject({ name: 'New name', version: 2 });
  });

  it('when the expected version is stale, then it fails with CONFLICT and the product is unchanged', async () => {
    const product = await createProduct(test, admin, { name: 'Before' });
    dataOf(
      await test.client.request(UpdateProductDocument, { id: product.id, input: { name: 'First writer', expectedVersion: 1 } }, { token: admin.token }),
    );

    const late = await test.client.request(
      UpdateProductDocument,
      { id: product.id, input: { name: 'Second writer', expectedVersion: 1 } },
      { token: admin.token },
    );

    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(late.errors![0]!.extensions.currentVersion).toBe(2);
    expect(await readProduct(test, product.id)).toMatchObject({ name: 'First writer', version: 2 });
  });

  it.each([
    ['unknown', () => randomUUID()],
    ['malformed', () => 'not-a-uuid'],
  ])('when the id is %s, then it fails with NOT_FOUND', async (_kind, id) => {
    const result = await test.client.request(UpdateProductDocument, { id: id(), input: { name: 'x', expectedVersion: 1 } }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });

  it('when a customer tries, then it fails with FORBIDDEN and the product is unchanged', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { name: 'Mine' });

    const result = await test.client.request(
      UpdateProductDocument,
      { id: product.id, input: { name: 'Yours', expectedVersion: 1 } },
      { token: customer.token },
    );

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await readProduct(test, product.id)).toMatchObject({ name: 'Mine', version: 1 });
  });
});

describe('restockProduct', () => {
  it('when an admin restocks, then the units are added and the version goes up', async () => {
    const product = await createProduct(test, admin, { stock: 3 });

    const { restockProduct } = dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 5 }, { token: admin.token }));

    expect(restockProduct).toEqual({ id: product.id, stock: 8, version: 2 });
    expect(await readProduct(test, product.id)).toMatchObject({ stock: 8, version: 2 });
  });

  it('when a customer tries, then it fails with FORBIDDEN and the stock is unchanged', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 3 });

    const result = await test.client.request(RestockProductDocument, { id: product.id, quantity: 5 }, { token: customer.token });

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await readProduct(test, product.id)).toMatchObject({ stock: 3, version: 1 });
  });

  it('when the quantity is 0, then it is BAD_USER_INPUT on quantity', async () => {
    const product = await createProduct(test, admin, { stock: 3 });

    const result = await test.client.request(RestockProductDocument, { id: product.id, quantity: 0 }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['quantity']);
    expect(await readProduct(test, product.id)).toMatchObject({ stock: 3, version: 1 });
  });

  it('when the product does not exist, then it fails with NOT_FOUND', async () => {
    const result = await test.client.request(RestockProductDocument, { id: randomUUID(), quantity: 1 }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });
});
