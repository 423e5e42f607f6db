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
 * What lives as long as one transaction: its connection, the work left for just before COMMIT,
 * and the callbacks for once it has committed.
 */
interface TransactionScope {
  manager: EntityManager;
  locals: Map<object, unknown>;
  beforeCommit: (() => Promise<void>)[];
  afterCommit: (() => Promise<void>)[];
}

/**
 * The database handle repositories use. Inside `transaction()` the ambient EntityManager is the
 * transaction's, carried by AsyncLocalStorage so services need not thread it through every call.
 */
export class Database implements UnitOfWork {
  private readonly ambient = new AsyncLocalStorage<TransactionScope>();

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
   * A value that lives as long as the ambient transaction (made by `create` on first use), and
   * `flush`, run once with it just before the transaction commits. It lets an adapter buffer
   * writes (the job queue's jobs) and send them in one statement instead of one per call.
   */
  transactionLocal<T>(key: object, create: () => T, flush: (value: T) => Promise<void>): T {
    const scope = this.ambient.getStore();
    if (!scope) throw new Error('transactionLocal() needs an ambient transaction');
    if (!scope.locals.has(key)) {
      const value = create();
      scope.locals.set(key, value);
      scope.beforeCommit.push(() => flush(value));
    }
    return scope.locals.get(key) as T;
  }

  /**
   * Runs once the ambient transaction has committed (never if it rolls back), before
   * `transaction()` returns; at once outside a transaction. For quick local reactions to a
   * change (dropping cached reads); anything that must happen belongs in an event's job.
   */
  async afterCommit(callback: () => Promise<void>): Promise<void> {
    const scope = this.ambient.getStore();
    if (scope) scope.afterCommit.push(callback);
    else await callback();
  }

  private async outermostTransaction<T>(work: () => Promise<T>): Promise<T> {
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await this.dataSource.transaction((manager) => {
      const scope: TransactionScope = { manager, locals: new Map(), beforeCommit: [], afterCommit };
      return this.ambient.run(scope, async () => {
        const value = await work();
        for (const hook of scope.beforeCommit) await hook();
        return value;
      });
    });
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
