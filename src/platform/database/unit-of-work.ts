import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { StatementFailedError, transactionConflictCode } from './errors';
import type { QueryObserver } from './query-logger';

/**
 * What application services see of transactions: run some work atomically. Everything the work
 * does through repositories (and the job queue) joins the same transaction.
 */
export interface UnitOfWork {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `last`, which sends the transaction's last statement: COMMIT leaves in the same write,
   * so the transaction (and the row locks it holds) ends one round trip sooner. Resolves once
   * committed; a statement failing in it rolls everything back. The work may send no statement
   * after it. In a transaction joined to an outer one it only runs `last`: the outer work goes on.
   */
  commitWith<T>(last: () => Promise<T>): Promise<T>;
}

/**
 * What lives as long as one transaction: its connection, the work left for just before COMMIT,
 * and the callbacks for once it has committed.
 */
interface TransactionScope {
  client: PoolClient;
  /** The START TRANSACTION sent with the work's first statement; undefined until then. */
  begun: Promise<void> | undefined;
  /** How many `transaction()` calls inside the outermost one are running (they join it). */
  joined: number;
  /** Set by `commitWith`: the next statement is the last one, and COMMIT goes with it. */
  commitWithNext: boolean;
  /** The COMMIT sent with the last statement (see `commitWith`); undefined until then. */
  committing: Promise<void> | undefined;
  locals: Map<object, unknown>;
  beforeCommit: (() => Promise<void>)[];
  afterCommit: (() => Promise<void>)[];
}

/**
 * How often a whole transaction is tried when PostgreSQL aborts it for a conflict with another
 * one (serialization failure, deadlock), and the backoff between tries: the first delay is
 * `baseDelayMs` plus up to as much again at random (so the two parties do not collide again in
 * step), doubling per try.
 */
export interface ConflictRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** Called before each retry with the SQLSTATE that caused it (40001 or 40P01), e.g. to count it. */
  onRetry?: (sqlstate: string) => void;
}

export interface TransactionLocalHooks<T> {
  beforeCommit?: (value: T) => Promise<void>;
  afterCommit?: (value: T) => Promise<void>;
}

const DEFAULT_CONFLICT_RETRY: ConflictRetryPolicy = { attempts: 3, baseDelayMs: 10 };

export interface DatabaseOptions {
  /** Sees every statement (the N+1 tests count them, the query-latency histogram times them). */
  queries?: QueryObserver;
  /** Statements slower than this are logged (through `queries`). */
  slowStatementMs?: number;
  conflictRetry?: Partial<ConflictRetryPolicy>;
}

/**
 * The database handle repositories use. Inside `transaction()` the ambient connection is the
 * transaction's, carried by AsyncLocalStorage so services need not thread it through every call.
 */
export class Database implements UnitOfWork {
  private readonly ambient = new AsyncLocalStorage<TransactionScope>();
  private readonly conflictRetry: ConflictRetryPolicy;
  private readonly statements = new PreparedStatements();
  private readonly slowStatementMs: number | undefined;
  private readonly queries: QueryObserver | undefined;

  /** `pool` null: a database never connected (a CLI that only builds the schema); any statement fails. */
  constructor(
    private readonly connectionPool: Pool | null,
    options: DatabaseOptions = {},
  ) {
    this.conflictRetry = { ...DEFAULT_CONFLICT_RETRY, ...options.conflictRetry };
    this.slowStatementMs = options.slowStatementMs;
    this.queries = options.queries;
  }

  /** node-postgres's pool, for its connection counts and statements that belong to no request. */
  get pool(): Pool {
    if (!this.connectionPool) throw new Error('this Database has no connection pool');
    return this.connectionPool;
  }

  get inTransaction(): boolean {
    return this.ambient.getStore() !== undefined;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    const scope = this.ambient.getStore();
    if (scope) return this.joinTransaction(scope, work);
    return this.outermostTransaction(work);
  }

  commitWith<T>(last: () => Promise<T>): Promise<T> {
    const scope = this.ambient.getStore();
    if (!scope || scope.joined > 0) return last();
    scope.commitWithNext = true;
    return last().finally(() => {
      // `last` sent no statement: the transaction goes on and commits as usual.
      scope.commitWithNext = false;
    });
  }

  private async joinTransaction<T>(scope: TransactionScope, work: () => Promise<T>): Promise<T> {
    scope.joined += 1;
    try {
      return await work();
    } finally {
      scope.joined -= 1;
    }
  }

  /**
   * A value that lives as long as the ambient transaction (made by `create` on first use), with
   * hooks run once with it: `beforeCommit` just before COMMIT (an adapter buffering writes, as the
   * job queue does, sends them in one statement), `afterCommit` once committed (see `afterCommit`).
   */
  transactionLocal<T>(key: object, create: () => T, hooks: TransactionLocalHooks<T>): T {
    const scope = this.ambient.getStore();
    if (!scope) throw new Error('transactionLocal() needs an ambient transaction');
    if (!scope.locals.has(key)) {
      if (scope.committing) throw new Error('the transaction has sent its COMMIT (commitWith): its hooks have run');
      const value = create();
      scope.locals.set(key, value);
      const { beforeCommit, afterCommit } = hooks;
      if (beforeCommit) scope.beforeCommit.push(() => beforeCommit(value));
      if (afterCommit) scope.afterCommit.push(() => afterCommit(value));
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

  /**
   * A transaction PostgreSQL aborted for a conflict (40001, 40P01) left nothing behind, so it is
   * run again from the start, up to `attempts` times; then the error goes to the caller (who
   * answers SERVICE_UNAVAILABLE). Only the outermost transaction retries: a joined one cannot
   * roll back alone. Every attempt has its own scope (locals, hooks), and `work` must do nothing
   * a rollback cannot undo, which is what a transaction asks of it anyway (a job or a client
   * retrying after the failure would run it again too).
   */
  private async outermostTransaction<T>(work: () => Promise<T>): Promise<T> {
    const { attempts, baseDelayMs, onRetry } = this.conflictRetry;
    for (let attempt = 1; ; attempt += 1) {
      const afterCommit: (() => Promise<void>)[] = [];
      let result: T;
      try {
        result = await this.attemptTransaction(work, afterCommit);
      } catch (error) {
        const conflict = transactionConflictCode(error);
        if (!conflict || attempt >= attempts) throw error;
        onRetry?.(conflict);
        const delay = baseDelayMs * 2 ** (attempt - 1);
        await sleep(delay + Math.random() * delay);
        continue;
      }
      // Outside the retry: the work has committed, so a conflict in a callback must not run it again.
      for (const callback of afterCommit) await callback();
      return result;
    }
  }

  private async attemptTransaction<T>(work: () => Promise<T>, afterCommit: (() => Promise<void>)[]): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // node-postgres listens for a connection's death only while it idles in the pool: checked out,
    // a connection the server ends between two statements (an outage, pg_terminate_backend) is an
    // 'error' event nobody hears, which ends the process. Heard here, the work's next statement fails
    // and the connection is discarded on release.
    const onConnectionLost = (error: Error) => {
      broken = error;
    };
    client.on('error', onConnectionLost);
    const scope: TransactionScope = {
      client,
      begun: undefined,
      joined: 0,
      commitWithNext: false,
      committing: undefined,
      locals: new Map(),
      beforeCommit: [],
      afterCommit,
    };
    try {
      const value = await this.ambient.run(scope, async () => {
        const value = await work();
        await runBeforeCommitHooks(scope);
        return value;
      });
      if (scope.committing) {
        await scope.committing;
      } else if (scope.begun) {
        // Work that sent no statement began no transaction: nothing to commit.
        await scope.begun;
        await this.run(client, 'COMMIT', []);
      }
      return value;
    } catch (error) {
      if (scope.committing) {
        // The COMMIT sent with the last statement ends the transaction, committed or not.
        await scope.committing.catch(() => undefined);
      } else if (scope.begun) {
        await this.run(client, 'ROLLBACK', []).catch((rollbackFailed: unknown) => {
          // A connection that cannot roll back is not given to the next transaction.
          broken = rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
        });
      }
      throw error;
    } finally {
      client.removeListener('error', onConnectionLost);
      client.release(broken);
    }
  }

  /**
   * Runs SQL (prepared under a name, see PreparedStatements) on the ambient transaction's
   * connection, or the pool's. The pool's connections run every prepared statement on its generic
   * plan (see connectDatabasePool); `planForValues` asks for a plan made for these values, for a
   * statement whose best plan depends on them (see `runPlannedForValues`).
   */
  async sql<T>(text: string, parameters: unknown[] = [], options?: { planForValues?: boolean }): Promise<T[]> {
    const statement = this.statements.of(text);
    const result = options?.planForValues ? await this.runPlannedForValues(statement, parameters) : await this.runHere(statement, parameters);
    return result.rows as T[];
  }

  /**
   * A statement planned for its values, outside a transaction: on a connection of its own, between
   * SET and RESET of plan_cache_mode, all three in one write (one round trip). The connection goes
   * back to the pool with its generic default, or is discarded if RESET fails. In a transaction
   * the statement runs like the transaction's others: transactions change rows found by key.
   */
  private async runPlannedForValues(statement: NamedStatement | string, values: unknown[]): Promise<QueryResult> {
    if (this.inTransaction) return this.runHere(statement, values);
    const client = await this.pool.connect();
    const sent = inOneWrite(client, () => [
      this.run(client, 'SET plan_cache_mode = force_custom_plan', []),
      this.run(client, statement, values),
      this.run(client, 'RESET plan_cache_mode', []),
    ]);
    const [setOutcome, resultOutcome, resetOutcome] = await Promise.allSettled(sent);
    client.release(resetOutcome.status === 'rejected' ? (resetOutcome.reason as Error) : undefined);
    if (setOutcome.status === 'rejected') throw setOutcome.reason;
    if (resultOutcome.status === 'rejected') throw resultOutcome.reason;
    return resultOutcome.value;
  }

  /**
   * SQL that is not a repository's fixed statement (operations tools, tests), unprepared, on the
   * ambient transaction's connection or the pool's.
   */
  async query<T = Record<string, unknown>>(text: string, parameters: unknown[] = []): Promise<T[]> {
    const result = await this.runHere(text, parameters);
    return result.rows as T[];
  }

  /** On the ambient transaction's connection (beginning it with this statement) or the pool's. */
  private runHere(statement: NamedStatement | string, values: unknown[]): Promise<QueryResult> {
    const scope = this.ambient.getStore();
    if (!scope) return this.run(this.pool, statement, values);
    if (scope.committing) return Promise.reject(new Error('the transaction has sent its COMMIT (commitWith): no statement may follow'));
    if (scope.commitWithNext) return this.runAndCommit(scope, statement, values);
    if (scope.begun) return this.run(scope.client, statement, values);
    return this.beginWith(scope, statement, values);
  }

  /**
   * The transaction's last statement with COMMIT behind it, in one write (see `commitWith`). The
   * hooks for just before COMMIT run first, as they may still have a statement to send. When the
   * statement fails, PostgreSQL answers the COMMIT of the failed transaction with ROLLBACK.
   */
  private async runAndCommit(scope: TransactionScope, statement: NamedStatement | string, values: unknown[]): Promise<QueryResult> {
    scope.commitWithNext = false;
    await runBeforeCommitHooks(scope);
    const rows = await inOneWrite(scope.client, () => {
      if (!scope.begun) this.begin(scope);
      const sent = this.run(scope.client, statement, values);
      scope.committing = this.run(scope.client, 'COMMIT', []).then(committedOrThrow);
      scope.committing.catch(() => undefined);
      return sent;
    });
    await scope.begun;
    await scope.committing;
    return rows;
  }

  /**
   * The transaction's first statement goes out right behind its START TRANSACTION, in the same
   * write: the pool's connections pipeline (see connectDatabasePool), so neither waits for the
   * other's answer, and a transaction costs one round trip less. Pipelined, each is answered on
   * its own; START TRANSACTION on an idle pooled connection fails only when the connection does,
   * and then the statement behind it fails too. It is awaited before COMMIT all the same.
   */
  private beginWith(scope: TransactionScope, statement: NamedStatement | string, values: unknown[]): Promise<QueryResult> {
    return inOneWrite(scope.client, () => {
      this.begin(scope);
      return this.run(scope.client, statement, values);
    });
  }

  /** Sends START TRANSACTION without waiting: `scope.begun` answers. */
  private begin(scope: TransactionScope): void {
    scope.begun = this.run(scope.client, 'START TRANSACTION', []).then(() => undefined);
    scope.begun.catch(() => undefined);
  }

  /**
   * One statement straight on node-postgres: the observer sees it, slow ones are logged, failures
   * become StatementFailedError.
   */
  private async run(target: Pool | PoolClient, statement: NamedStatement | string, values: unknown[]): Promise<QueryResult> {
    const text = String(statement);
    const { queries } = this;
    queries?.logQuery(text, values);
    const started = process.hrtime.bigint();
    try {
      const result = await target.query(typeof statement === 'string' ? { text, values } : { name: statement.name, text, values });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      queries?.statementDone(text, seconds, true);
      if (this.slowStatementMs && seconds * 1000 > this.slowStatementMs) queries?.logQuerySlow(Math.round(seconds * 1000), text);
      return result;
    } catch (error) {
      queries?.statementDone(text, Number(process.hrtime.bigint() - started) / 1e9, false);
      // Not `instanceof Error`: socket errors may come from another realm (a VM context), and their code must survive.
      const driverError = typeof error === 'object' && error !== null ? (error as Error) : new Error(String(error));
      queries?.logQueryError(driverError, text);
      throw new StatementFailedError(text, driverError);
    }
  }

  async ping(): Promise<void> {
    await this.run(this.pool, 'SELECT 1', []);
  }

  /** Ends the pool: idle connections close now, checked-out ones when released. */
  async close(): Promise<void> {
    if (this.connectionPool && !this.connectionPool.ending) await this.connectionPool.end();
  }
}

/** Each hook once: a COMMIT sent with the last statement runs them first (see `runAndCommit`). */
async function runBeforeCommitHooks(scope: TransactionScope): Promise<void> {
  for (const hook of scope.beforeCommit.splice(0)) await hook();
}

/** A COMMIT answered with ROLLBACK: the transaction had failed, and nothing of it stays. */
function committedOrThrow(result: QueryResult): void {
  if (result.command !== 'COMMIT') throw new Error(`the transaction did not commit: COMMIT was answered with ${result.command}`);
}

/**
 * Runs `send`, whose statements on `client` then leave in one write: the socket under the
 * node-postgres client is corked around it (node-postgres corks each statement's messages the
 * same way). If a version of node-postgres keeps the socket elsewhere, they leave in several
 * writes, still pipelined.
 */
function inOneWrite<T>(client: PoolClient, send: () => T): T {
  const stream = (client as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } }).connection?.stream;
  const socket = typeof stream?.cork === 'function' && typeof stream.uncork === 'function' ? (stream as { cork(): void; uncork(): void }) : undefined;
  socket?.cork();
  try {
    return send();
  } finally {
    socket?.uncork();
  }
}

/** A statement node-postgres prepares once per connection, under its name. */
export interface NamedStatement {
  name: string;
  text: string;
  toString(): string;
}

/**
 * The names under which `Database.sql` statements are prepared. The repositories' SQL is fixed
 * text with parameters, so a connection parses and plans each statement once and then only
 * binds and executes it (for placeOrder's CTEs, planning was a good part of PostgreSQL's time per
 * order). A connection keeps every statement it prepared, so the number of names is bounded:
 * text beyond `limit` distinct statements (SQL built from input would be a bug, but must not
 * fill the server's memory) runs unnamed, as before.
 *
 * `toString()` gives the text, for the statement observers and logs.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();

  constructor(private readonly limit = 500) {}

  of(text: string): NamedStatement | string {
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= this.limit) return text;
      name = `sg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.names.set(text, name);
    }
    return { name, text, toString: () => text };
  }
}
