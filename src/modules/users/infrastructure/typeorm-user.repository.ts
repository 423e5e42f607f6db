import { isForeignKeyViolation, isUniqueViolation, type Database } from '../../../platform/database';
import type { AccountState } from '../application/account-states';
import type { NewUser, UserRepository, UserWithPasswordHash } from '../application/user.repository';
import type { Role, User } from '../domain/user';
import { EmailAlreadyRegisteredError, UserHasOrdersError } from '../domain/user.errors';

/** A users row as the statements below select it (snake_case columns). */
interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

const COLUMNS = 'u.id, u.email, u.name, u.role, u.created_at';

/** A row with what signing in and token checks need besides the user. */
interface CredentialsRow extends UserRow {
  password_hash: string;
  token_version: number;
}

const CREDENTIALS = `${COLUMNS}, u.password_hash, u.token_version`;

/** Users in SQL over the data source's connection; rows become domain objects in `fromRow` only. */
export class TypeOrmUserRepository implements UserRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<User | null> {
    return (await this.findByIds([id]))[0] ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.sql<UserRow>(`SELECT ${COLUMNS} FROM users u WHERE u.id = ANY($1::uuid[])`, [ids]);
    return rows.map(fromRow);
  }

  async findByEmailWithPasswordHash(email: string): Promise<UserWithPasswordHash | null> {
    // lower(email) matches the unique index users_email_key.
    const rows = await this.db.sql<CredentialsRow>(`SELECT ${CREDENTIALS} FROM users u WHERE lower(u.email) = lower($1)`, [email]);
    return rows[0] ? withCredentials(rows[0]) : null;
  }

  async findByIdWithPasswordHash(id: string): Promise<UserWithPasswordHash | null> {
    const rows = await this.db.sql<CredentialsRow>(`SELECT ${CREDENTIALS} FROM users u WHERE u.id = $1`, [id]);
    return rows[0] ? withCredentials(rows[0]) : null;
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
      const rows = await this.db.sql<UserRow>(
        `INSERT INTO users AS u (email, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [user.email, user.name, user.passwordHash, user.role],
      );
      return fromRow(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailAlreadyRegisteredError();
      throw error;
    }
  }

  async update(id: string, changes: Partial<Pick<UserWithPasswordHash, 'role' | 'passwordHash' | 'name'>>): Promise<User> {
    const rows = await this.db.sql<UserRow>(
      `UPDATE users u
          SET role = COALESCE($2, role), password_hash = COALESCE($3, password_hash), name = COALESCE($4, name)
        WHERE u.id = $1
        RETURNING ${COLUMNS}`,
      [id, changes.role ?? null, changes.passwordHash ?? null, changes.name ?? null],
    );
    if (!rows[0]) throw new Error(`user ${id} does not exist`);
    return fromRow(rows[0]);
  }
}

function withCredentials(row: CredentialsRow): UserWithPasswordHash {
  return { ...fromRow(row), passwordHash: row.password_hash, tokenVersion: row.token_version };
}

/** Only the listed fields leave the data layer; the password hash never does by accident. */
function fromRow(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at };
}
