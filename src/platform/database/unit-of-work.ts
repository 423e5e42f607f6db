import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * What application services see of transactions: run some work atomically. Everything the work
 * does through repositories (and the job queue) joins the same transaction.
 */
export interface UnitOfWork {
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The database handle repositories use. Inside `transaction()` the ambient EntityManager is the
 * transaction's, carried by AsyncLocalStorage so services need not thread it through every call.
 */
interface AmbientTransaction {
  manager: EntityManager;
  afterCommit: (() => Promise<void>)[];
}

export class Database implements UnitOfWork {
  private readonly ambient = new AsyncLocalStorage<AmbientTransaction>();

  constructor(readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.ambient.getStore()?.manager ?? this.dataSource.manager;
  }

  /** node-postgres's pool under TypeORM, for its connection counts. */
  get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  get inTransaction(): boolean {
    return this.ambient.getStore() !== undefined;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    return this.outermostTransaction(work);
  }

  /**
   * Runs once the ambient transaction has committed (never if it rolls back), before
   * `transaction()` returns; at once outside a transaction. For quick local reactions to a
   * change (dropping cached reads); anything that must happen belongs in an event's job.
   */
  async afterCommit(callback: () => Promise<void>): Promise<void> {
    const ambient = this.ambient.getStore();
    if (ambient) ambient.afterCommit.push(callback);
    else await callback();
  }

  private async outermostTransaction<T>(work: () => Promise<T>): Promise<T> {
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await this.dataSource.transaction((manager) => this.ambient.run({ manager, afterCommit }, work));
    for (const callback of afterCommit) await callback();
    return result;
  }

  /**
   * Runs raw SQL on the ambient connection and returns its rows. (TypeORM returns UPDATE and
   * DELETE results as `[rows, count]` and everything else as rows; this smooths that over.)
   */
  async sql<T>(text: string, parameters: unknown[] = []): Promise<T[]> {
    const raw: unknown = await this.manager.query(text, parameters);
    if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as T[];
    return raw as T[];
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
