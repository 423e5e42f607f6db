import {
  ChangePasswordDocument,
  DeleteUserDocument,
  MeDocument,
  RestockProductDocument,
  SetUserRoleDocument,
  SignInDocument,
  SignOutDocument,
} from '../generated/graphql';
import { createAdmin, createProduct, PASSWORD, signUpCustomer, type TestUser } from '../factories';
import { dataOf, errorCodes } from '../support/graphql-client';
import { sampled } from '../support/prometheus';
import { describeWithRedis, uniquePrefix } from '../support/redis';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive, type LiveClient } from '../support/ws-client';

/**
 * Roles and accounts come from the database, not from the token: every request checks the
 * token's version and reads the role through a cache that every change invalidates, on every
 * instance. Over HTTP a revoked token is UNAUTHENTICATED; over WebSocket its socket closes 4403.
 */
const ORDER_UPDATED = 'subscription { orderUpdated { id } }';
const clients: LiveClient[] = [];
const live = (test: TestApp, token?: string) => {
  const client = connectLive(test.url, token);
  clients.push(client);
  return client;
};
afterAll(() => Promise.all(clients.map((c) => c.dispose())));

const NEW_PASSWORD = 'a brand new passphrase';

/** Admin-only work: the error codes of restocking one unit. */
async function restockCodes(test: TestApp, productId: string, token: string): Promise<string[]> {
  return errorCodes(await test.client.request(RestockProductDocument, { id: productId, quantity: 1 }, { token }));
}

describe('one instance', () => {
  let test: TestApp;
  let admin: TestUser;
  let productId: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await createAdmin(test);
    productId = (await createProduct(test, admin)).id;
  });
  afterAll(() => test.stop());

  it("when an admin is demoted, then the old token is FORBIDDEN from admin work, over HTTP, and the admin's socket closes 4403", async () => {
    const demoted = await createAdmin(test);
    expect(await restockCodes(test, productId, demoted.token)).toEqual([]);
    const socket = live(test, demoted.token);
    const allOrders = socket.subscribe(ORDER_UPDATED);
    await eventually(async () => test.api.ws.subscriptionCount, (n) => n >= 1, { what: 'the admin subscription' });

    dataOf(await test.client.request(SetUserRoleDocument, { id: demoted.id, role: 'CUSTOMER' }, { token: admin.token }));

    expect(await restockCodes(test, productId, demoted.token)).toEqual(['FORBIDDEN']);
    expect(dataOf(await test.client.request(MeDocument, {}, { token: demoted.token })).me).toMatchObject({ id: demoted.id, role: 'CUSTOMER' });
    expect((await socket.closed).code).toBe(4403);
    expect(allOrders.received).toEqual([]);
  });

  it('when a customer is promoted, then the same token does admin work at once', async () => {
    const customer = await signUpCustomer(test);
    expect(await restockCodes(test, productId, customer.token)).toEqual(['FORBIDDEN']);

    dataOf(await test.client.request(SetUserRoleDocument, { id: customer.id, role: 'ADMIN' }, { token: admin.token }));

    expect(await restockCodes(test, productId, customer.token)).toEqual([]);
  });

  it("when a user is deleted, then the user's token is UNAUTHENTICATED over HTTP and refused over WebSocket", async () => {
    const customer = await signUpCustomer(test);
    expect(dataOf(await test.client.request(MeDocument, {}, { token: customer.token })).me?.id).toBe(customer.id);
    const socket = live(test, customer.token);
    socket.subscribe('subscription { notificationAdded { id } }');
    await eventually(() => sampled(test.app, 'websocket_connections'), (n) => n >= 1, { what: 'the socket' });

    expect(dataOf(await test.client.request(DeleteUserDocument, { id: customer.id }, { token: admin.token })).deleteUser).toBe(true);

    const me = await test.client.request(MeDocument, {}, { token: customer.token });
    expect(errorCodes(me)).toEqual(['UNAUTHENTICATED']);
    expect(me.status).toBe(401);
    expect((await socket.closed).code).toBe(4403);
    expect((await live(test, customer.token).closed).code).toBe(4403);
  });

  it('when a customer deletes a user, then FORBIDDEN; an unknown user is NOT_FOUND', async () => {
    const customer = await signUpCustomer(test);
    expect(errorCodes(await test.client.request(DeleteUserDocument, { id: admin.id }, { token: customer.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await test.client.request(DeleteUserDocument, { id: 'nope' }, { token: admin.token }))).toEqual(['NOT_FOUND']);
  });

  it('when the password changes, then every other token is UNAUTHENTICATED and its socket closes; the new token works', async () => {
    const customer = await signUpCustomer(test);
    const otherDevice = dataOf(await test.client.request(SignInDocument, { input: { email: customer.email, password: PASSWORD } })).signIn.token;
    const socket = live(test, otherDevice);
    socket.subscribe('subscription { notificationAdded { id } }');
    await eventually(() => sampled(test.app, 'websocket_connections'), (n) => n >= 1, { what: 'the socket' });

    const wrong = await test.client.request(ChangePasswordDocument, { input: { currentPassword: 'not my password', newPassword: NEW_PASSWORD } }, { token: customer.token });
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    const changed = dataOf(
      await test.client.request(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, { token: customer.token }),
    ).changePassword;

    for (const old of [customer.token, otherDevice]) {
      expect(errorCodes(await test.client.request(MeDocument, {}, { token: old }))).toEqual(['UNAUTHENTICATED']);
    }
    expect(dataOf(await test.client.request(MeDocument, {}, { token: changed.token })).me?.id).toBe(customer.id);
    expect((await socket.closed).code).toBe(4403);
    const signIn = await test.client.request(SignInDocument, { input: { email: customer.email, password: NEW_PASSWORD } });
    expect(errorCodes(signIn)).toEqual([]);
  });

  it('when a user signs out, then all of their tokens are UNAUTHENTICATED', async () => {
    const customer = await signUpCustomer(test);
    const second = dataOf(await test.client.request(SignInDocument, { input: { email: customer.email, password: PASSWORD } })).signIn.token;

    expect(dataOf(await test.client.request(SignOutDocument, {}, { token: customer.token })).signOut).toBe(true);

    for (const token of [customer.token, second]) {
      expect(errorCodes(await test.client.request(MeDocument, {}, { token }))).toEqual(['UNAUTHENTICATED']);
    }
    expect(errorCodes(await test.client.request(SignOutDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('when the same token is used again, then authentication spends no SQL statement (the account state is cached)', async () => {
    const customer = await signUpCustomer(test);
    // A different page size each time, so the response cache cannot answer the second request.
    const statementsOf = async (first: number) => {
      const statements: string[] = [];
      const stop = test.app.queries.onQuery((sql) => statements.push(sql));
      try {
        dataOf(await test.client.post({ query: `{ products(first: ${first}) { totalCount } }` }, { token: customer.token }));
      } finally {
        stop();
      }
      return statements;
    };

    const cold = await statementsOf(1);
    const warm = await statementsOf(2);

    expect(cold.filter((sql) => /token_version/.test(sql))).toHaveLength(1);
    expect(warm.filter((sql) => /token_version/.test(sql))).toEqual([]);
    expect(warm.length).toBe(cold.length - 1);
  });
});

describeWithRedis('two instances sharing Redis', (redisUrl) => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let productId: string;
  beforeAll(async () => {
    const prefix = uniquePrefix();
    a = await startTestApp({ env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } });
    // The same database as A: B is a second instance of the same deployment.
    b = await startTestApp({ env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, DATABASE_URL: a.database.url } });
    admin = await createAdmin(a);
    productId = (await createProduct(a, admin)).id;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('when an admin is demoted on one instance, then the other refuses the old token admin work (FORBIDDEN)', async () => {
    const demoted = await createAdmin(a);
    // B has the admin state cached.
    expect(await restockCodes(b, productId, demoted.token)).toEqual([]);

    dataOf(await a.client.request(SetUserRoleDocument, { id: demoted.id, role: 'CUSTOMER' }, { token: admin.token }));

    await eventually(
      async () => restockCodes(b, productId, demoted.token),
      (codes) => codes.includes('FORBIDDEN'),
      { what: 'FORBIDDEN on the second instance' },
    );
  });

  it("when the password changes on one instance, then the other refuses the old token and closes the old token's socket", async () => {
    const customer = await signUpCustomer(a);
    expect(dataOf(await b.client.request(MeDocument, {}, { token: customer.token })).me?.id).toBe(customer.id);
    const socket = live(b, customer.token);
    socket.subscribe('subscription { notificationAdded { id } }');
    await eventually(() => sampled(b.app, 'websocket_connections'), (n) => n >= 1, { what: 'the socket on B' });

    dataOf(await a.client.request(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, { token: customer.token }));

    await eventually(
      async () => errorCodes(await b.client.request(MeDocument, {}, { token: customer.token })),
      (codes) => codes.includes('UNAUTHENTICATED'),
      { what: 'UNAUTHENTICATED on the second instance' },
    );
    expect((await socket.closed).code).toBe(4403);
  });
});
