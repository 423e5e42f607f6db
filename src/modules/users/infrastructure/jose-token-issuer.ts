import { jwtVerify, SignJWT } from 'jose';
import type { IssuedToken, TokenClaims, TokenIssuer } from '../application/credentials';
import type { User } from '../domain/user';
import { InvalidTokenError } from '../domain/user.errors';

export interface TokenSettings {
  /** Unset in processes that never sign or check a token (the CLIs, a worker). */
  secret: string | undefined;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

const ALGORITHM = 'HS256';

/** HS256 JWTs. Verification pins the algorithm, issuer and audience; `alg: none` never passes. */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly secretKey: Uint8Array | undefined;

  constructor(private readonly settings: TokenSettings) {
    this.secretKey = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
  }

  private get key(): Uint8Array {
    if (!this.secretKey) throw new Error('this process has no JWT secret, so it can neither issue nor verify tokens');
    return this.secretKey;
  }

  async issue(user: Pick<User, 'id' | 'role'> & { tokenVersion: number }): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.settings.ttlSeconds;
    const token = await new SignJWT({ role: user.role, ver: user.tokenVersion })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
      });
      // Tokens issued before token versions existed carry none: version 0, revoked by the first bump.
      const version = payload.ver ?? 0;
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number' || !Number.isInteger(version)) {
        throw new InvalidTokenError();
      }
      return { userId: payload.sub, tokenVersion: version as number, expiresAt: payload.exp };
    } catch {
      throw new InvalidTokenError();
    }
  }
}
