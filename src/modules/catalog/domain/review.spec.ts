import { REVIEW_BODY_MAX_LENGTH, validateReview } from './review';

describe('validateReview', () => {
  it.each([1, 3, 5])('when the rating is %d with a body, then it is valid', (rating) => {
    expect(validateReview(rating, 'Fine')).toEqual([]);
  });

  it.each([0, 6, -1, 4.5])('when the rating is %d, then input.rating is reported', (rating) => {
    expect(validateReview(rating, 'Fine').map((p) => p.path)).toEqual(['input.rating']);
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t '],
    ['one character too long', 'x'.repeat(REVIEW_BODY_MAX_LENGTH + 1)],
  ])('when the body is %s, then input.body is reported', (_label, body) => {
    expect(validateReview(4, body).map((p) => p.path)).toEqual(['input.body']);
  });

  it('when the body is exactly the maximum length, then it is valid', () => {
    expect(validateReview(4, 'x'.repeat(REVIEW_BODY_MAX_LENGTH))).toEqual([]);
  });
});
