import { isUniqueViolation, type Database } from '../../../platform/database';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { NewReview, ReviewRepository } from '../application/catalog.repository';
import { ReviewAlreadyExistsError } from '../domain/catalog.errors';
import type { RatingSummary, Review } from '../domain/review';

interface ReviewRow {
  id: string;
  product_id: string;
  author_id: string;
  rating: number;
  body: string;
  created_at: Date;
}

const COLUMNS = 'r.id, r.product_id, r.author_id, r.rating, r.body, r.created_at';

/** Reviews in SQL over the data source's connection; rows become domain objects in `fromRow` only. */
export class TypeOrmReviewRepository implements ReviewRepository {
  constructor(private readonly db: Database) {}

  async create(review: NewReview): Promise<Review> {
    try {
      const rows = await this.db.sql<ReviewRow>(
        `INSERT INTO reviews AS r (product_id, author_id, rating, body) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [review.productId, review.authorId, review.rating, review.body],
      );
      return fromRow(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ReviewAlreadyExistsError();
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
      `SELECT ${COLUMNS}
         FROM unnest($1::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
              SELECT ${COLUMNS} FROM reviews r
               WHERE r.product_id = p.id
                 AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
               ORDER BY r.created_at DESC, r.id DESC
               LIMIT $4) r`,
      [productIds, page.after?.createdAt ?? null, page.after?.id ?? null, page.first + 1],
    );
    for (const row of rows) {
      const list = pages.get(row.product_id);
      if (list) list.push(fromRow(row));
      else pages.set(row.product_id, [fromRow(row)]);
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
      [productIds],
    );
    return new Map(rows.map((r) => [r.product_id, { reviewCount: r.review_count, averageRating: r.average_rating }]));
  }
}

function fromRow(r: ReviewRow): Review {
  return { id: r.id, productId: r.product_id, authorId: r.author_id, rating: r.rating, body: r.body, createdAt: r.created_at };
}
