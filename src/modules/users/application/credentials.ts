import type { AuthenticatedViewer } from '../../../platform/viewer';
import type { User } from '../domain/user';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenIssuer {
  issue(user: Pick<User, 'id' | 'role'>): Promise<IssuedToken>;
  /** Resolves the viewer a token names, or fails with InvalidTokenError. */
  verify(token: string): Promise<AuthenticatedViewer>;
}

/** Limits on sign-in and sign-up attempts against brute force; counted in Redis or memory. */
export interface AttemptLimits {
  /** Fails with RateLimitedError while the IP or the email has used up its failed sign-ins. */
  assertSignInAllowed(clientIp: string, email: string): Promise<void>;
  recordFailedSignIn(clientIp: string, email: string): Promise<void>;
  recordSuccessfulSignIn(email: string): Promise<void>;
  /** Fails with RateLimitedError past the sign-ups allowed per IP. */
  consumeSignUp(clientIp: string): Promise<void>;
}
