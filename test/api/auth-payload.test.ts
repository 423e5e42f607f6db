import { SignInDocument, SignUpDocument } from '../generated/graphql';
import { PASSWORD, signUpCustomer } from '../factories';
import { dataOf } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(() => test.stop());

// The request itself is anonymous, but the payload's user is the one who just proved who they are.
describe('the user in an AuthPayload', () => {
  it('when a customer signs up, then the payload shows them their own email', async () => {
    const email = `payload-${Date.now()}@example.com`;

    const { signUp } = dataOf(await test.client.request(SignUpDocument, { input: { email, name: 'Payload', password: PASSWORD } }));

    expect(signUp.user.email).toBe(email);
  });

  it('when a customer signs in, then the payload shows them their own email', async () => {
    const customer = await signUpCustomer(test);

    const { signIn } = dataOf(await test.client.request(SignInDocument, { input: { email: customer.email, password: PASSWORD } }));

    expect(signIn.user).toMatchObject({ id: customer.id, email: customer.email, role: 'CUSTOMER' });
  });

  it('when a customer signs in while sending another customer\'s token, then the payload still shows only their own email', async () => {
    const other = await signUpCustomer(test);
    const customer = await signUpCustomer(test);

    const { signIn } = dataOf(
      await test.client.request(SignInDocument, { input: { email: customer.email, password: PASSWORD } }, { token: other.token }),
    );

    expect(signIn.user).toMatchObject({ id: customer.id, email: customer.email });
  });
});
