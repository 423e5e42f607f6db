import { SignJWT } from 'jose';
import { MeDocument, SignInDocument, SignUpDocument } from '../generated/graphql';
import { createAdmin, PASSWORD, signUpCustomer } from '../factories';
import { dataOf, errorCodes } from '../support/graphql-client';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(() => test.stop());

describe('signing up and in', () => {
  it('when a customer signs up, then they get a token that identifies them in `me`', async () => {
    const customer = await signUpCustomer(test, { name: 'Ada' });

    const { me } = dataOf(await test.client.request(MeDocument, {}, { token: customer.token }));

    expect(me).toEqual({ id: customer.id, name: 'Ada', email: customer.email, role: 'CUSTOMER' });
  });

  it('when nobody is signed in, then `me` is null', async () => {
    expect(dataOf(await test.client.request(MeDocument)).me).toBeNull();
  });

  it('when the email is taken (in any letter case), then sign-up is a CONFLICT', async () => {
    const customer = await signUpCustomer(test);
    const again = await test.client.request(SignUpDocument, {
      input: { email: customer.email.toUpperCase(), name: 'Twin', password: PASSWORD },
    });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('when the input is invalid, then BAD_USER_INPUT lists every field at fault', async () => {
    const result = await test.client.request(SignUpDocument, { input: { email: 'not-an-email', name: '', password: 'short' } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const paths = (result.errors![0]!.extensions.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['input.email', 'input.name', 'input.password']);
  });

  it('when signing in with a wrong password or an unknown email, then both answer the same error', async () => {
    const customer = await signUpCustomer(test);
    const wrongPassword = await test.client.request(SignInDocument, { input: { email: customer.email, password: 'wrong password' } });
    const unknownEmail = await test.client.request(SignInDocument, { input: { email: 'nobody@example.com', password: 'wrong password' } });

    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(errorCodes(wrongPassword)).toEqual(['UNAUTHENTICATED']);
  });

  it('when signing in with the right password, then the token works', async () => {
    const customer = await signUpCustomer(test);
    const { signIn } = dataOf(await test.client.request(SignInDocument, { input: { email: customer.email, password: PASSWORD } }));
    const { me } = dataOf(await test.client.request(MeDocument, {}, { token: signIn.token }));
    expect(me?.id).toBe(customer.id);
  });
});

describe('tokens', () => {
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  const claims = (sub: string) => new SignJWT({ role: 'ADMIN' }).setSubject(sub).setIssuer('storefront-graph').setAudience('storefront-graph');

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['tampered', async (sub: string) => (await claims(sub).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key)).slice(0, -3) + 'abc'],
    ['signed with another secret', async (sub: string) =>
      claims(sub).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'))],
    ['expired', async (sub: string) => claims(sub).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key)],
    ['alg none', async (sub: string) => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub, role: 'ADMIN', iss: 'storefront-graph', aud: 'storefront-graph', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
      return `${header}.${payload}.`;
    }],
  ])('when the token is %s, then the request fails with UNAUTHENTICATED and HTTP 401', async (_name, makeToken) => {
    const customer = await signUpCustomer(test);
    const result = await test.client.request(MeDocument, {}, { token: await makeToken(customer.id) });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data ?? null).toBeNull();
  });

  it('when the Authorization header is not a bearer token, then the request fails with UNAUTHENTICATED', async () => {
    const result = await test.client.request(MeDocument, {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('User.email visibility', () => {
  it('when reading reviews, then authors show their email only to themselves and admins', async () => {
    const admin = await createAdmin(test);
    const author = await signUpCustomer(test);
    const stranger = await signUpCustomer(test);
    const created = await test.client.post<{ createProduct: { id: string } }>(
      { query: 'mutation { createProduct(input: {sku: "EMAIL-1", name: "n", description: "d", priceAmount: 1, currency: "EUR", stock: 1}) { id } }' },
      { token: admin.token },
    );
    const productId = dataOf(created).createProduct.id;
    await test.client.post(
      { query: 'mutation ($id: ID!) { addReview(input: {productId: $id, rating: 5, body: "good"}) { id } }', variables: { id: productId } },
      { token: author.token },
    );
    const emailSeenBy = async (token?: string) => {
      const result = await test.client.post<{ product: { reviews: { edges: { node: { author: { email: string | null } } }[] } } }>(
        { query: 'query ($id: ID!) { product(id: $id) { reviews { edges { node { author { email } } } } } }', variables: { id: productId } },
        { token },
      );
      return dataOf(result).product.reviews.edges[0]!.node.author.email;
    };

    expect(await emailSeenBy(author.token)).toBe(author.email);
    expect(await emailSeenBy(admin.token)).toBe(author.email);
    expect(await emailSeenBy(stranger.token)).toBeNull();
    expect(await emailSeenBy(undefined)).toBeNull();
  });
});
