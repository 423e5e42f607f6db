import type { User } from '../domain/user';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** What a verified token says. Its role claim is informative only: the role is read from the database. */
export interface TokenClaims {
  userId: string;
  /** The user's token version when the token was issued; an older one than the account's is revoked. */
  tokenVersion: number;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface TokenIssuer {
  issue(user: Pick<User, 'id' | 'role'> & { tokenVersion: number }): Promise<IssuedToken>;
  /** The claims of a genuine, unexpired token, or fails with InvalidTokenError. */
  verify(token: string): Promise<TokenClaims>;
}

/** Limits on sign-in and sign-up attempts against brute force; counted in Redis or memory. */
export interface AttemptLimits {
  /** Fails with RateLimitedError while the IP, the (email, IP) pair or the email has used up its failed sign-ins. */
  assertSignInAllowed(clientIp: string, email: string): Promise<void>;
  recordFailedSignIn(clientIp: string, email: string): Promise<void>;
  recordSuccessfulSignIn(email: string, clientIp: string): Promise<void>;
  /** Fails with RateLimitedError past the sign-ups allowed per IP. */
  consumeSignUp(clientIp: string): Promise<void>;
}
