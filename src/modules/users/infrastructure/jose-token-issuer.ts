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
/** Verified tokens remembered per process: a few MB at most. */
const MAX_VERIFIED_TOKENS = 5_000;

/**
 * HS256 JWTs. Verification pins the algorithm, issuer and audience; `alg: none` never passes.
 * A token verified once is remembered by its exact text (the same text carries the same
 * signature), so a session's every request does not redo the HMAC; its expiry is checked on
 * every use. Revocation does not depend on this: the token version is checked against the
 * account on every request.
 */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly secretKey: Uint8Array | undefined;
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.secretKey = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
  }

  private get key(): Uint8Array {
    if (!this.secretKey) throw new Error('this process has no JWT secret, so it can neither issue nor verify tokens');
    return this.secretKey;
  }

  async issue(user: Pick<User, 'id' | 'role'> & { tokenVersion: number }): Promise<IssuedToken> {
    const now = Math.floor(this.now() / 1000);
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
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.now() / 1000) return known;
      this.verified.delete(token);
      throw new InvalidTokenError();
    }
    const claims = await this.verifySignedToken(token);
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignedToken(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.now()),
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
