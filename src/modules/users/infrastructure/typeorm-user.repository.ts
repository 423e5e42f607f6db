import { isUniqueViolation, type Database } from '../../../platform/database';
import type { NewUser, UserRepository, UserWithPasswordHash } from '../application/user.repository';
import type { Role, User } from '../domain/user';
import { EmailAlreadyRegisteredError } from '../domain/user.errors';

/** A users row as the statements below select it (snake_case columns). */
interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

const COLUMNS = 'u.id, u.email, u.name, u.role, u.created_at';

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
    const rows = await this.db.sql<UserRow & { password_hash: string }>(
      `SELECT ${COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower($1)`,
      [email],
    );
    return rows[0] ? { ...fromRow(rows[0]), passwordHash: rows[0].password_hash } : null;
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

/** Only the listed fields leave the data layer; the password hash never does by accident. */
function fromRow(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at };
}
