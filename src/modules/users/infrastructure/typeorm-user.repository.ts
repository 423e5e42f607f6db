import { In } from 'typeorm';
import { isUniqueViolation, type Database } from '../../../platform/database';
import type { NewUser, UserRepository, UserWithPasswordHash } from '../application/user.repository';
import type { User } from '../domain/user';
import { EmailAlreadyRegisteredError } from '../domain/user.errors';
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
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
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

/** Only the listed fields leave the data layer; the password hash never does by accident. */
function toUser(row: UserOrmEntity): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt };
}
