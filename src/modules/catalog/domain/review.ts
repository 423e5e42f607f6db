import type { FieldProblem } from '../../../platform/errors';

export interface Review {
  id: string;
  productId: string;
  authorId: string;
  rating: number;
  body: string;
  createdAt: Date;
}

export interface RatingSummary {
  reviewCount: number;
  /** Null while a product has no reviews. */
  averageRating: number | null;
}

export const REVIEW_BODY_MAX_LENGTH = 2000;

export function validateReview(rating: number, body: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
    problems.push({ path: 'input.rating', message: 'must be a whole number from 1 to 5' });
  }
  if (body.trim().length === 0 || body.length > REVIEW_BODY_MAX_LENGTH) {
    problems.push({ path: 'input.body', message: `must be 1 to ${REVIEW_BODY_MAX_LENGTH} characters` });
  }
  return problems;
}
