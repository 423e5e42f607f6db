import 'reflect-metadata';
import { createPasswordHasher } from '../modules/users';
import { bootstrap } from '../platform/bootstrap';
import type { Database } from '../platform/database';
import { cliOptions, positiveInteger } from './args';
import { withDatabase } from './with-database';

/** Every seeded user signs in with this password. */
export const SEED_PASSWORD = 'storefront-seed';

const USAGE = `npm run seed -- [--products N] [--users N] [--reviews N]

Fills a deterministic demo catalog (for the sandbox and for benchmarks); running it again with
the same numbers changes nothing.
  --products N   products SEED-00001 … (default 100)
  --users N      customers seed-user-0001@example.com … (default 20),
                 all with the password "${SEED_PASSWORD}"
  --reviews N    reviews, each by a different customer per product (default 300;
                 at most products × users)
Uses DATABASE_URL, or the embedded PostgreSQL when it is unset.`;

export interface SeedCounts {
  products: number;
  users: number;
  reviews: number;
}

export interface SeedResult {
  /** What the catalog holds of the seed after the run (reviews capped at products × users). */
  wanted: SeedCounts;
  /** Rows this run added; all zero when the seed was already there. */
  inserted: SeedCounts;
}

/** Fixed instants, so every run produces the same rows (and the same cursors). */
const EPOCH = '2025-01-01T00:00:00Z';

/**
 * Inserts the seed with one set-based statement per table (`generate_series`), so 10,000
 * products take moments. Every row is a pure function of its index: ids are derived from a hash
 * of the index, names, prices, stock and times from the index, and reviews go to distinct
 * (product, author) pairs. `ON CONFLICT DO NOTHING` makes a second run a no-op.
 */
export async function seedCatalog(
  database: Database,
  counts: SeedCounts,
  options: { passwordHash?: string } = {},
): Promise<SeedResult> {
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got ${value})`);
  }
  const wanted: SeedCounts = { ...counts, reviews: Math.min(counts.reviews, counts.products * counts.users) };
  const passwordHash = wanted.users > 0 ? (options.passwordHash ?? (await createPasswordHasher().hash(SEED_PASSWORD))) : '';

  const inserted = await database.transaction(async () => ({
    users: await insertedCount(database, SEED_USERS_SQL, [wanted.users, passwordHash, EPOCH]),
    products: await insertedCount(database, SEED_PRODUCTS_SQL, [wanted.products, EPOCH]),
    reviews: await insertedCount(database, SEED_REVIEWS_SQL, [wanted.reviews, wanted.products, wanted.users, EPOCH]),
  }));
  // Fresh statistics, so the planner treats the new rows as what they are (benchmarks read them next).
  await database.sql('ANALYZE users, products, reviews');
  return { wanted, inserted };
}

async function insertedCount(database: Database, sql: string, parameters: unknown[]): Promise<number> {
  const [row] = await database.sql<{ inserted: number }>(`WITH inserted AS (${sql} RETURNING 1) SELECT count(*)::int AS inserted FROM inserted`, parameters);
  return row?.inserted ?? 0;
}

/** `lpad` that never truncates: 12345 stays 12345 at width 4. */
const padded = (expression: string, width: number) => `lpad((${expression})::text, greatest(${width}, length((${expression})::text)), '0')`;
const userEmail = (index: string) => `'seed-user-' || ${padded(index, 4)} || '@example.com'`;
const productSku = (index: string) => `'SEED-' || ${padded(index, 5)}`;

const SEED_USERS_SQL = `
  INSERT INTO users (id, email, name, password_hash, role, created_at)
  SELECT md5('storefront-seed:user:' || i)::uuid,
         ${userEmail('i')},
         (ARRAY['Ada','Alan','Barbara','Claude','Donald','Edsger','Frances','Grace','John','Katherine','Linus','Margaret'])[1 + (i - 1) % 12]
           || ' ' ||
         (ARRAY['Lovelace','Turing','Liskov','Shannon','Knuth','Dijkstra','Allen','Hopper','Backus','Johnson'])[1 + ((i - 1) / 12) % 10],
         $2, 'CUSTOMER',
         $3::timestamptz + (i - 1) * interval '1 minute'
    FROM generate_series(1, $1::int) AS i
  ON CONFLICT DO NOTHING`;

const SEED_PRODUCTS_SQL = `
  INSERT INTO products (id, sku, name, description, price_amount, currency, stock, version, created_at, updated_at)
  SELECT md5('storefront-seed:product:' || i)::uuid,
         ${productSku('i')},
         (ARRAY['Classic','Compact','Deluxe','Everyday','Heavy-duty','Minimal','Portable','Quiet','Rugged','Wireless'])[1 + i % 10]
           || ' ' ||
         (ARRAY['Oak','Steel','Linen','Ceramic','Walnut','Copper','Wool','Bamboo'])[1 + (i / 10) % 8]
           || ' ' ||
         (ARRAY['Lamp','Chair','Kettle','Keyboard','Backpack','Mug','Speaker','Blanket','Desk','Clock','Headphones','Planter'])[1 + (i / 80) % 12],
         'Demo product number ' || i || ' from the seed catalog.',
         499 + ((i * 7919) % 200) * 250,
         'EUR',
         CASE WHEN i % 10 = 0 THEN 0 ELSE 1 + (i * 37) % 200 END,
         1,
         $2::timestamptz + (i - 1) * interval '1 minute',
         $2::timestamptz + (i - 1) * interval '1 minute'
    FROM generate_series(1, $1::int) AS i
  ON CONFLICT DO NOTHING`;

/**
 * Review k (0-based) goes to product p = k mod P and author (k div P + p) mod U: for a given
 * product the authors differ while k < P × U, so every (product, author) pair is used once.
 */
const SEED_REVIEWS_SQL = `
  INSERT INTO reviews (id, product_id, author_id, rating, body, created_at)
  SELECT md5('storefront-seed:review:' || s.p || ':' || s.a)::uuid,
         pr.id, u.id,
         (ARRAY[5,4,5,3,4,5,2,4,5,1])[1 + (s.p * 7 + s.a * 3) % 10],
         (ARRAY['Does exactly what it says.','Good value for the money.','Arrived quickly, works well.',
                'Not bad, not great.','Would buy again.','The colour is a bit off, otherwise fine.',
                'Sturdy and well made.','Stopped working after a month.'])[1 + (s.p + s.a) % 8],
         $4::timestamptz + interval '30 days' + s.k * interval '1 minute'
    FROM (SELECT k, k % $2::int + 1 AS p, ((k / $2::int) + k % $2::int) % $3::int + 1 AS a
            FROM generate_series(0, $1::int - 1) AS k) AS s
    JOIN products pr ON pr.sku = ${productSku('s.p')}
    JOIN users u ON lower(u.email) = ${userEmail('s.a')}
  ON CONFLICT DO NOTHING`;

async function main(): Promise<void> {
  const options = cliOptions(USAGE, {
    products: { type: 'string' },
    users: { type: 'string' },
    reviews: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (options.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return;
  }
  const counts: SeedCounts = {
    products: positiveInteger(options.products, 'products', 100),
    users: positiveInteger(options.users, 'users', 20),
    reviews: positiveInteger(options.reviews, 'reviews', 300),
  };
  const { config, logger } = bootstrap('seed');
  const started = Date.now();
  const { wanted, inserted } = await withDatabase(config, logger, (database) => seedCatalog(database, counts));
  if (wanted.reviews < counts.reviews) {
    process.stdout.write(`note: ${counts.reviews} reviews asked, but ${counts.products} products × ${counts.users} users allow ${wanted.reviews}\n`);
  }
  process.stdout.write(
    `seeded in ${Date.now() - started} ms: ` +
      `${wanted.users} users (${inserted.users} new), ${wanted.products} products (${inserted.products} new), ` +
      `${wanted.reviews} reviews (${inserted.reviews} new)\n` +
      (wanted.users > 0 ? `sign in as seed-user-0001@example.com with the password "${SEED_PASSWORD}"\n` : ''),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
