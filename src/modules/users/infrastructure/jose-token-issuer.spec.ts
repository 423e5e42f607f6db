import { SignJWT } from 'jose';
import { InvalidTokenError } from '../domain/user.errors';
import { JoseTokenIssuer } from './jose-token-issuer';

const settings = { secret: 'a-test-secret-that-is-long-enough-for-hs256', issuer: 'storefront-graph', audience: 'storefront', ttlSeconds: 60 };

describe('JoseTokenIssuer', () => {
  let clock: number;
  let issuer: JoseTokenIssuer;
  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
    issuer = new JoseTokenIssuer(settings, () => clock);
  });

  it('when a token is verified again, then it answers the same claims', async () => {
    const { token } = await issuer.issue({ id: 'user-1', role: 'CUSTOMER', tokenVersion: 3 });
    const first = await issuer.verify(token);
    expect(first).toMatchObject({ userId: 'user-1', tokenVersion: 3 });
    await expect(issuer.verify(token)).resolves.toEqual(first);
  });

  it('when a remembered token expires, then it is refused', async () => {
    const { token } = await issuer.issue({ id: 'user-1', role: 'CUSTOMER', tokenVersion: 0 });
    await issuer.verify(token);
    clock += 60_000;
    await expect(issuer.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(issuer.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('when a token differs by its signature or was signed with another secret, then it is refused although a valid one was remembered', async () => {
    const { token } = await issuer.issue({ id: 'user-1', role: 'CUSTOMER', tokenVersion: 0 });
    await issuer.verify(token);
    // A character well inside the signature (the last one also holds padding bits).
    const at = token.length - 10;
    const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    await expect(issuer.verify(tampered)).rejects.toBeInstanceOf(InvalidTokenError);
    const forged = await new SignJWT({ role: 'ADMIN', ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + 60)
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256'));
    await expect(issuer.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
