import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import type { Logger } from '../logger';

/**
 * Forwards TypeORM's query events to pino and lets observers count statements (the N+1 test and
 * query metrics subscribe here). Statements are logged at `trace` only: they may carry data.
 */
export class QueryObserver implements TypeOrmLogger {
  private readonly listeners = new Set<(sql: string) => void>();

  constructor(
    private readonly logger: Logger,
    /** Told every statement's kind and duration (for the query-latency histogram). */
    private readonly onDone?: (statement: string, seconds: number, success: boolean) => void,
  ) {}

  /** A statement finished, successfully or not. */
  statementDone(sql: string, seconds: number, success: boolean): void {
    this.onDone?.(statementKind(sql), seconds, success);
  }

  onQuery(listener: (sql: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logQuery(query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    // A prepared statement (Database.sql) arrives as its { name, text }.
    const sql = String(query);
    for (const listener of this.listeners) listener(sql);
    this.logger.trace({ sql }, 'query');
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ err: error, sql: String(query) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ durationMs: time, sql: String(query).slice(0, 500) }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ typeorm: message }, 'typeorm warning');
    else this.logger.debug({ typeorm: message }, 'typeorm');
  }
}

function statementKind(sql: string): string {
  const keyword = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
  return ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'START', 'COMMIT', 'ROLLBACK'].includes(keyword) ? keyword : 'OTHER';
}
