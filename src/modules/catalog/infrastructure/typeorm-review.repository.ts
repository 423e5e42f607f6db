import { isUniqueViolation, type Database } from '../../../platform/database';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { NewReview, ReviewRepository } from '../application/catalog.repository';
import { ReviewAlreadyExistsError } from '../domain/catalog.errors';
import type { RatingSummary, Review } from '../domain/review';
import { ReviewOrmEntity } from './catalog.orm-entities';

interface ReviewRow {
  id: string;
  product_id: string;
  author_id: string;
  rating: number;
  body: string;
  created_at: Date;
}

export class TypeOrmReviewRepository implements ReviewRepository {
  constructor(private readonly db: Database) {}

  async create(review: NewReview): Promise<Review> {
    const repo = this.db.manager.getRepository(ReviewOrmEntity);
    try {
      const saved = await repo.save(repo.create(review));
      const row = await repo.findOneByOrFail({ id: saved.id });
      return { id: row.id, productId: row.productId, authorId: row.authorId, rating: row.rating, body: row.body, createdAt: row.createdAt };
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ReviewAlreadyExistsError();
      }
      throw error;
    }
  }

  /**
   * One statement for all products: a LATERAL subquery walks reviews_product_page_idx per
   * product and stops after `first + 1` rows, however many reviews a product has.
   */
  async pagesByProduct(productIds: readonly string[], page: PageRequest<CreatedAtKey>): Promise<Map<string, Review[]>> {
    const pages = new Map<string, Review[]>();
    if (productIds.length === 0) return pages;
    const rows = await this.db.sql<ReviewRow>(
      `SELECT r.id, r.product_id, r.author_id, r.rating, r.body, r.created_at
         FROM unnest($1::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
              SELECT * FROM reviews r
               WHERE r.product_id = p.id
                 AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
               ORDER BY r.created_at DESC, r.id DESC
               LIMIT $4) r`,
      [[...productIds], page.after?.createdAt ?? null, page.after?.id ?? null, page.first + 1],
    );
    for (const row of rows) {
      const list = pages.get(row.product_id) ?? [];
      list.push({
        id: row.id,
        productId: row.product_id,
        authorId: row.author_id,
        rating: row.rating,
        body: row.body,
        createdAt: row.created_at,
      });
      pages.set(row.product_id, list);
    }
    return pages;
  }

  async ratingSummaries(productIds: readonly string[]): Promise<Map<string, RatingSummary>> {
    if (productIds.length === 0) return new Map();
    const rows = await this.db.sql<{ product_id: string; review_count: number; average_rating: number }>(
      `SELECT product_id, count(*)::int AS review_count, round(avg(rating), 2)::float8 AS average_rating
         FROM reviews
        WHERE product_id = ANY($1::uuid[])
        GROUP BY product_id`,
      [[...productIds]],
    );
    return new Map(rows.map((r) => [r.product_id, { reviewCount: r.review_count, averageRating: r.average_rating }]));
  }
}
