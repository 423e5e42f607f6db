import 'reflect-metadata';
import { SEED_PASSWORD, seedCatalog } from '../../src/cli/seed';
import { connectDatabase } from '../../src/composition';
import { Argon2PasswordHasher } from '../../src/modules/users/infrastructure/argon2-password-hasher';
import type { Database } from '../../src/platform/database';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDatabase: TestDatabase;
let database: Database;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  ({ database } = await connectDatabase({ url: testDatabase.url, poolSize: 2, logger: createLogger({ level: 'silent' }) }));
});
afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

const counts = async () => {
  const [row] = (await database.query(
    `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM products) AS products, (SELECT count(*)::int FROM reviews) AS reviews`,
  )) as { users: number; products: number; reviews: number }[];
  return row!;
};

/** Every seeded row, in a stable order, so two snapshots compare exactly. */
const snapshot = async () => ({
  users: await database.query(`SELECT id, email, name, password_hash, role, created_at FROM users ORDER BY email`),
  products: await database.query(`SELECT * FROM products ORDER BY sku`),
  reviews: await database.query(`SELECT * FROM reviews ORDER BY id`),
});

// The tests below build on each other: they seed one database step by step.
describe('seedCatalog', () => {
  it('when run on an empty database, then it inserts exactly the requested rows', async () => {
    const result = await seedCatalog(database, { products: 20, users: 5, reviews: 30 });

    expect(result).toEqual({
      wanted: { products: 20, users: 5, reviews: 30 },
      inserted: { products: 20, users: 5, reviews: 30 },
    });
    expect(await counts()).toEqual({ users: 5, products: 20, reviews: 30 });
  });

  it('when run a second time with the same numbers, then nothing is added or changed and nothing fails', async () => {
    const before = await snapshot();

    const result = await seedCatalog(database, { products: 20, users: 5, reviews: 30 });

    expect(result.inserted).toEqual({ products: 0, users: 0, reviews: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('when inspecting the rows, then names, SKUs and values follow the documented deterministic scheme', async () => {
    const emails = (await database.query(`SELECT email FROM users ORDER BY email`)) as { email: string }[];
    const skus = (await database.query(`SELECT sku FROM products ORDER BY sku`)) as { sku: string }[];
    const products = (await database.query(`SELECT price_amount, stock, version, currency FROM products`)) as {
      price_amount: number;
      stock: number;
      version: number;
      currency: string;
    }[];

    expect(emails.map((u) => u.email)).toEqual([1, 2, 3, 4, 5].map((i) => `seed-user-000${i}@example.com`));
    expect(skus[0]!.sku).toBe('SEED-00001');
    expect(skus.at(-1)!.sku).toBe('SEED-00020');
    expect(products.every((p) => p.price_amount > 0 && p.stock >= 0 && p.version === 1 && p.currency === 'EUR')).toBe(true);
    expect(products.some((p) => p.stock === 0)).toBe(true);
    expect(products.some((p) => p.stock > 0)).toBe(true);
  });

  it('when reviews are spread, then each goes to a distinct (product, author) pair with a rating from 1 to 5', async () => {
    const [pairs] = (await database.query(
      `SELECT count(DISTINCT (product_id, author_id))::int AS pairs, min(rating)::int AS min, max(rating)::int AS max,
              count(DISTINCT product_id)::int AS products FROM reviews`,
    )) as { pairs: number; min: number; max: number; products: number }[];

    expect(pairs).toMatchObject({ pairs: 30, products: 20 });
    expect(pairs!.min).toBeGreaterThanOrEqual(1);
    expect(pairs!.max).toBeLessThanOrEqual(5);
  });

  it("when a seeded customer's password is checked as sign-in checks it, then the documented password matches", async () => {
    const [user] = (await database.query(`SELECT password_hash FROM users WHERE email = 'seed-user-0003@example.com'`)) as { password_hash: string }[];
    const hasher = new Argon2PasswordHasher();

    expect(await hasher.verify(user!.password_hash, SEED_PASSWORD)).toBe(true);
    expect(await hasher.verify(user!.password_hash, 'wrong password')).toBe(false);
  });

  it('when run with larger numbers, then only the missing rows are added and the old ones stay as they were', async () => {
    const before = await snapshot();

    const result = await seedCatalog(database, { products: 25, users: 6, reviews: 30 });

    expect(result.inserted).toMatchObject({ products: 5, users: 1 });
    const after = await snapshot();
    expect(after.products.slice(0, 20)).toEqual(before.products);
    expect(after.users.slice(0, 5)).toEqual(before.users);
    expect(await counts()).toMatchObject({ users: 6, products: 25 });
  });

  it('when more reviews are asked than products × users allow, then it seeds every pair once and stops', async () => {
    const result = await seedCatalog(database, { products: 3, users: 2, reviews: 1000 });

    expect(result.wanted.reviews).toBe(6);
    const [row] = (await database.query(
      `SELECT count(*)::int AS n
         FROM reviews r JOIN products p ON p.id = r.product_id JOIN users u ON u.id = r.author_id
        WHERE p.sku IN ('SEED-00001', 'SEED-00002', 'SEED-00003')
          AND u.email IN ('seed-user-0001@example.com', 'seed-user-0002@example.com')`,
    )) as { n: number }[];
    expect(row!.n).toBe(6);
  });

  it('when a count is not a whole number, then it refuses before touching the database', async () => {
    const before = await counts();

    await expect(seedCatalog(database, { products: -1, users: 1, reviews: 0 })).rejects.toThrow(/products/);
    expect(await counts()).toEqual(before);
  });
});
