import type { Role, User } from '../domain/user';
import type { AccountState } from './account-states';

export interface UserWithPasswordHash extends User {
  passwordHash: string;
  tokenVersion: number;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByIds(ids: readonly string[]): Promise<User[]>;
  findByEmailWithPasswordHash(email: string): Promise<UserWithPasswordHash | null>;
  /** Fails with EmailAlreadyRegisteredError when the email is taken (enforced by a unique index). */
  create(user: NewUser): Promise<User>;
  update(id: string, changes: Partial<Pick<UserWithPasswordHash, 'role' | 'passwordHash' | 'name'>>): Promise<User>;
  findAccountState(id: string): Promise<AccountState | null>;
  findByIdWithPasswordHash(id: string): Promise<UserWithPasswordHash | null>;
  /** Bumps the token version (revoking every token issued before), optionally with a new password; the new version, or null for an unknown user. */
  revokeTokens(id: string, passwordHash?: string): Promise<number | null>;
  /** False for an unknown user; UserHasOrdersError while orders still name the user. */
  delete(id: string): Promise<boolean>;
}
