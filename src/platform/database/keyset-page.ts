import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { CreatedAtKey, PageRequest } from '../pagination';

/**
 * Orders a query newest first by (created_at, id), starts after the cursor and fetches one row
 * more than the page, which `toPage` turns into hasNextPage. Matches the (created_at DESC, id
 * DESC) indexes every list has.
 */
export function keysetPage<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, page: PageRequest<CreatedAtKey>): SelectQueryBuilder<T> {
  const alias = query.alias;
  query.orderBy(`${alias}.created_at`, 'DESC').addOrderBy(`${alias}.id`, 'DESC').limit(page.first + 1);
  if (page.after) {
    query.andWhere(`(${alias}.created_at, ${alias}.id) < (:afterCreatedAt, :afterId)`, {
      afterCreatedAt: page.after.createdAt,
      afterId: page.after.id,
    });
  }
  return query;
}
