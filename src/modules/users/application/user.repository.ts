import type { Role, User } from '../domain/user';

export interface UserWithPasswordHash extends User {
  passwordHash: string;
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
}
