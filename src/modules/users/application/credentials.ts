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
