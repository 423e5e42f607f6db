import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, catalog and reviews. Timestamps keep millisecond precision so a keyset cursor built
 * from a JavaScript Date compares exactly with the stored value.
 */
export class AccountsAndCatalog1764300000000 implements MigrationInterface {
  name = 'AccountsAndCatalog1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
        name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        password_hash text NOT NULL,
        role          text NOT NULL DEFAULT 'CUSTOMER' CHECK (role IN ('CUSTOMER', 'ADMIN')),
        created_at    timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // Sign-in looks users up by normalised email; uniqueness ignores case.
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);

    await db.query(`
      CREATE TABLE products (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku          text NOT NULL CHECK (char_length(sku) BETWEEN 1 AND 64),
        name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        description  text NOT NULL CHECK (char_length(description) <= 5000),
        price_amount integer NOT NULL CHECK (price_amount >= 0),
        currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        stock        integer NOT NULL CHECK (stock >= 0),
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT products_sku_key UNIQUE (sku)
      )`);
    // products(first, after) pages newest first by (created_at, id).
    await db.query(`CREATE INDEX products_page_idx ON products (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX products_in_stock_page_idx ON products (created_at DESC, id DESC) WHERE stock > 0`);
    await db.query(`CREATE INDEX products_price_idx ON products (price_amount)`);
    // filter.search is a case-insensitive substring match on name or sku.
    await db.query(`CREATE INDEX products_name_trgm_idx ON products USING gin (name gin_trgm_ops)`);
    await db.query(`CREATE INDEX products_sku_trgm_idx ON products USING gin (sku gin_trgm_ops)`);

    await db.query(`
      CREATE TABLE reviews (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        author_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        rating     smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        body       text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT reviews_one_per_author UNIQUE (product_id, author_id)
      )`);
    // Product.reviews pages and the per-product rating aggregate both read this index only.
    await db.query(`CREATE INDEX reviews_product_page_idx ON reviews (product_id, created_at DESC, id DESC) INCLUDE (rating)`);
    await db.query(`CREATE INDEX reviews_author_idx ON reviews (author_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE reviews`);
    await db.query(`DROP TABLE products`);
    await db.query(`DROP TABLE users`);
  }
}
