import { LIMITS, validateChanges, validateDraft, validateFilter, type ProductDraft } from './product';

const draft = (overrides: Partial<ProductDraft> = {}): ProductDraft => ({
  sku: 'KB-001',
  name: 'Keyboard',
  description: 'Clicky',
  priceAmount: 4999,
  currency: 'EUR',
  stock: 3,
  ...overrides,
});

const paths = (problems: { path: string }[]) => problems.map((p) => p.path).sort();

describe('validateDraft', () => {
  it('when the draft is valid, then there are no problems', () => {
    expect(validateDraft(draft())).toEqual([]);
  });

  it('when values sit exactly on the limits, then they are accepted', () => {
    const onLimits = draft({
      sku: 'S'.repeat(LIMITS.skuLength),
      name: 'n'.repeat(LIMITS.nameLength),
      description: 'd'.repeat(LIMITS.descriptionLength),
      priceAmount: LIMITS.maxPriceAmount,
      stock: LIMITS.maxStock,
    });

    expect(validateDraft(onLimits)).toEqual([]);
    expect(validateDraft(draft({ priceAmount: 0, stock: 0, description: '' }))).toEqual([]);
  });

  it.each([
    ['sku', { sku: '' }],
    ['sku', { sku: 'has space' }],
    ['sku', { sku: '-leading-dash' }],
    ['sku', { sku: 'S'.repeat(LIMITS.skuLength + 1) }],
    ['name', { name: '' }],
    ['name', { name: '   ' }],
    ['name', { name: 'n'.repeat(LIMITS.nameLength + 1) }],
    ['description', { description: 'd'.repeat(LIMITS.descriptionLength + 1) }],
    ['priceAmount', { priceAmount: -1 }],
    ['priceAmount', { priceAmount: 19.99 }],
    ['priceAmount', { priceAmount: LIMITS.maxPriceAmount + 1 }],
    ['currency', { currency: 'eur' }],
    ['currency', { currency: 'EURO' }],
    ['currency', { currency: '€' }],
    ['stock', { stock: -1 }],
    ['stock', { stock: 1.5 }],
    ['stock', { stock: LIMITS.maxStock + 1 }],
  ])('when %s is %j, then exactly that field is reported under input', (field, overrides) => {
    expect(paths(validateDraft(draft(overrides)))).toEqual([`input.${field}`]);
  });

  it('when several fields are bad, then each is reported, under the given prefix', () => {
    expect(paths(validateDraft(draft({ sku: '', currency: 'x', stock: -1 }), 'product'))).toEqual(['product.currency', 'product.sku', 'product.stock']);
  });
});

describe('validateChanges', () => {
  it('when nothing changes (all null or missing), then there are no problems', () => {
    expect(validateChanges({})).toEqual([]);
    expect(validateChanges({ name: null, description: null, priceAmount: null })).toEqual([]);
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: ' \t ' }],
    ['name', { name: 'n'.repeat(LIMITS.nameLength + 1) }],
    ['description', { description: 'd'.repeat(LIMITS.descriptionLength + 1) }],
    ['priceAmount', { priceAmount: -5 }],
    ['priceAmount', { priceAmount: 0.5 }],
  ])('when %s is %j, then it is reported', (field, changes) => {
    expect(paths(validateChanges(changes))).toEqual([`input.${field}`]);
  });

  it('when the description is cleared to an empty string, then that is allowed', () => {
    expect(validateChanges({ description: '' })).toEqual([]);
  });
});

describe('validateFilter', () => {
  it('when the filter is empty or sensible, then there are no problems', () => {
    expect(validateFilter({})).toEqual([]);
    expect(validateFilter({ search: 'lamp', inStock: true, minPrice: 100, maxPrice: 100 })).toEqual([]);
  });

  it('when the search is longer than the limit, then filter.search is reported', () => {
    expect(paths(validateFilter({ search: 's'.repeat(LIMITS.searchLength + 1) }))).toEqual(['filter.search']);
    expect(validateFilter({ search: 's'.repeat(LIMITS.searchLength) })).toEqual([]);
  });

  it('when minPrice exceeds maxPrice, then filter.minPrice is reported', () => {
    expect(paths(validateFilter({ minPrice: 200, maxPrice: 100 }))).toEqual(['filter.minPrice']);
  });

  it('when only one price bound is given, then there is nothing to compare', () => {
    expect(validateFilter({ minPrice: 200 })).toEqual([]);
    expect(validateFilter({ maxPrice: 0 })).toEqual([]);
  });
});
