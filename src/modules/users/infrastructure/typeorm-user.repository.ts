import { In } from 'typeorm';
import { isForeignKeyViolation, isUniqueViolation, type Database } from '../../../platform/database';
import type { AccountState } from '../application/account-states';
import type { NewUser, UserRepository, UserWithPasswordHash } from '../application/user.repository';
import type { User } from '../domain/user';
import { EmailAlreadyRegisteredError, UserHasOrdersError } from '../domain/user.errors';
import { UserOrmEntity } from './user.orm-entity';

export class TypeOrmUserRepository implements UserRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.manager.getRepository(UserOrmEntity);
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.repo.findOneBy({ id });
    return row ? toUser(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.repo.findBy({ id: In([...ids]) });
    return rows.map(toUser);
  }

  async findByEmailWithPasswordHash(email: string): Promise<UserWithPasswordHash | null> {
    // lower(email) matches the unique index users_email_key.
    const row = await this.repo.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
    return row ? withCredentials(row) : null;
  }

  async findByIdWithPasswordHash(id: string): Promise<UserWithPasswordHash | null> {
    const row = await this.repo.findOneBy({ id });
    return row ? withCredentials(row) : null;
  }

  async findAccountState(id: string): Promise<AccountState | null> {
    const rows = await this.db.sql<{ role: AccountState['role']; token_version: number }>(
      'SELECT role, token_version FROM users WHERE id = $1',
      [id],
    );
    return rows[0] ? { role: rows[0].role, tokenVersion: rows[0].token_version } : null;
  }

  async revokeTokens(id: string, passwordHash?: string): Promise<number | null> {
    const rows = await this.db.sql<{ token_version: number }>(
      `UPDATE users SET token_version = token_version + 1, password_hash = coalesce($2, password_hash)
        WHERE id = $1 RETURNING token_version`,
      [id, passwordHash ?? null],
    );
    return rows[0]?.token_version ?? null;
  }

  async delete(id: string): Promise<boolean> {
    try {
      const rows = await this.db.sql<{ id: string }>('DELETE FROM users WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new UserHasOrdersError();
      throw error;
    }
  }

  async create(user: NewUser): Promise<User> {
    try {
      const row = await this.repo.save(this.repo.create(user));
      return toUser(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EmailAlreadyRegisteredError();
      }
      throw error;
    }
  }

  async update(id: string, changes: Partial<Pick<UserWithPasswordHash, 'role' | 'passwordHash' | 'name'>>): Promise<User> {
    await this.repo.update({ id }, changes);
    const row = await this.repo.findOneByOrFail({ id });
    return toUser(row);
  }
}

function withCredentials(row: UserOrmEntity): UserWithPasswordHash {
  return { ...toUser(row), passwordHash: row.passwordHash, tokenVersion: row.tokenVersion };
}

/** Only the listed fields leave the data layer; the password hash never does by accident. */
function toUser(row: UserOrmEntity): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt };
}
