import { jwtVerify, SignJWT } from 'jose';
import type { AuthenticatedViewer } from '../../../platform/viewer';
import type { IssuedToken, TokenIssuer } from '../application/credentials';
import { ROLES, type Role, type User } from '../domain/user';
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

  async issue(user: Pick<User, 'id' | 'role'>): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.settings.ttlSeconds;
    const token = await new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  async verify(token: string): Promise<AuthenticatedViewer> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role) || typeof payload.exp !== 'number') {
        throw new InvalidTokenError();
      }
      return { id: payload.sub, role, expiresAt: payload.exp };
    } catch {
      throw new InvalidTokenError();
    }
  }
}
