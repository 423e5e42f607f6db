import type { CreatedAtKey, PageRequest } from '../pagination';
import type { Database } from './unit-of-work';

/** The parameters of a statement being composed: `add(value)` returns the value's placeholder. */
export class SqlParameters {
  readonly values: unknown[] = [];
  /** Whether a value was added with `addShapingPlan`. */
  planForValues = false;

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /**
   * A value whose selectivity decides the best plan (a search pattern, a price bound): the
   * statement is then planned for its values on every execution (`Database.sql`'s `planForValues`).
   */
  addShapingPlan(value: unknown): string {
    this.planForValues = true;
    return this.add(value);
  }
}

/** `WHERE a AND b …`, or nothing when there is no condition. */
function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** A list's filter as SQL conditions on the table's alias, their values added to `params`. */
export type FilterConditions<F> = (filter: F, params: SqlParameters) => string[];

/**
 * The two statements behind a paginated list (a repository's `list` and `count`) over one table
 * `from` with alias `alias` (e.g. `orders`, `o`), filtered by `conditions`.
 */
export class KeysetListing<F> {
  constructor(
    private readonly db: Database,
    private readonly from: string,
    private readonly alias: string,
    private readonly conditions: FilterConditions<F>,
  ) {}

  /**
   * Up to `first + 1` rows newest first by (created_at, id), after the cursor: the extra row is
   * what `toPage` turns into hasNextPage. Matches the (created_at DESC, id DESC) indexes every
   * list has.
   */
  page<R>(columns: string, filter: F, page: PageRequest<CreatedAtKey>): Promise<R[]> {
    const a = this.alias;
    const params = new SqlParameters();
    const conditions = this.conditions(filter, params);
    if (page.after) {
      conditions.push(`(${a}.created_at, ${a}.id) < (${params.add(page.after.createdAt)}::timestamptz, ${params.add(page.after.id)}::uuid)`);
    }
    return this.db.sql<R>(
      `SELECT ${columns} FROM ${this.from} ${a} ${whereClause(conditions)}
        ORDER BY ${a}.created_at DESC, ${a}.id DESC LIMIT ${params.add(page.first + 1)}`,
      params.values,
      { planForValues: params.planForValues },
    );
  }

  async count(filter: F): Promise<number> {
    const params = new SqlParameters();
    const conditions = this.conditions(filter, params);
    const [row] = await this.db.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${this.from} ${this.alias} ${whereClause(conditions)}`,
      params.values,
      { planForValues: params.planForValues },
    );
    return row!.count;
  }
}
