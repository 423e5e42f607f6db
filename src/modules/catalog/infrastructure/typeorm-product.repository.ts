import { isUniqueViolation, KeysetListing, type Database, type FilterConditions } from '../../../platform/database';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { ProductRepository, VersionedUpdate } from '../application/catalog.repository';
import { InsufficientStockError, ProductNotFoundError, SkuTakenError, StockLimitError } from '../domain/catalog.errors';
import type { ReservedLine, StockLevel, StockLine } from '../domain/stock';
import { LIMITS, type Product, type ProductChanges, type ProductDraft, type ProductFilter } from '../domain/product';

/** A products row as the statements below select it (snake_case columns). */
interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_amount: number;
  currency: string;
  stock: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'p.id, p.sku, p.name, p.description, p.price_amount, p.currency, p.stock, p.version, p.created_at, p.updated_at';

/** Products in SQL over the data source's connection; rows become domain objects in `fromRow` only. */
export class TypeOrmProductRepository implements ProductRepository {
  private readonly listing: KeysetListing<ProductFilter>;

  constructor(private readonly db: Database) {
    this.listing = new KeysetListing(db, 'products', 'p', filterConditions);
  }

  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.db.sql<ProductRow>(`SELECT ${COLUMNS} FROM products p WHERE p.id = ANY($1::uuid[])`, [ids]);
    return rows.map(fromRow);
  }

  async list(filter: ProductFilter, page: PageRequest<CreatedAtKey>) {
    return (await this.listing.page<ProductRow>(COLUMNS, filter, page)).map(fromRow);
  }

  count(filter: ProductFilter): Promise<number> {
    return this.listing.count(filter);
  }

  async create(draft: ProductDraft): Promise<Product> {
    try {
      const rows = await this.db.sql<ProductRow>(
        `INSERT INTO products AS p (sku, name, description, price_amount, currency, stock, version)
         VALUES ($1, $2, $3, $4, $5, $6, 1)
         RETURNING ${COLUMNS}`,
        [draft.sku, draft.name, draft.description, draft.priceAmount, draft.currency, draft.stock],
      );
      return fromRow(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error)) throw new SkuTakenError(draft.sku);
      throw error;
    }
  }

  async updateIfVersion(id: string, expectedVersion: number, changes: ProductChanges): Promise<VersionedUpdate> {
    const rows = await this.db.sql<ProductRow>(
      `UPDATE products p
          SET name = COALESCE($3, name),
              description = COALESCE($4, description),
              price_amount = COALESCE($5, price_amount),
              version = version + 1,
              updated_at = now()
        WHERE id = $1 AND version = $2
        RETURNING ${COLUMNS}`,
      [id, expectedVersion, changes.name ?? null, changes.description ?? null, changes.priceAmount ?? null],
    );
    if (rows[0]) return { outcome: 'updated', product: fromRow(rows[0]) };
    const [current] = await this.db.sql<{ version: number }>(`SELECT version FROM products WHERE id = $1`, [id]);
    return current ? { outcome: 'stale', currentVersion: current.version } : { outcome: 'missing' };
  }

  async addStock(id: string, quantity: number): Promise<Product | null> {
    const rows = await this.db.sql<ProductRow>(
      `UPDATE products p
          SET stock = stock + $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND stock <= $3::int - $2::int
        RETURNING ${COLUMNS}`,
      [id, quantity, LIMITS.maxStock],
    );
    if (rows[0]) return fromRow(rows[0]);
    if ((await this.db.sql(`SELECT 1 FROM products WHERE id = $1`, [id])).length > 0) throw new StockLimitError();
    return null;
  }

  /**
   * One statement: locks the lines' products in id order, and only when every line has enough
   * stock takes the units (the subquery on `short` runs before any row is updated, and the
   * UPDATE touches only rows `locked` has already locked). Each row's stock is read after its
   * lock, so it is the latest committed value; the CHECK (stock >= 0) backs the arithmetic.
   */
  async reserve(lines: readonly StockLine[]): Promise<ReservedLine[]> {
    const rows = await this.db.sql<{
      id: string;
      stock: number;
      price_amount: number | null;
      currency: string | null;
      stock_left: number | null;
      version: number | null;
    }>(
      `WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(product_id, quantity)),
            locked AS (SELECT id, stock FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE),
            short AS (SELECT 1 FROM wanted w LEFT JOIN locked l ON l.id = w.product_id WHERE l.id IS NULL OR l.stock < w.quantity),
            taken AS (
              UPDATE products p
                 SET stock = p.stock - w.quantity, version = p.version + 1, updated_at = now()
                FROM wanted w JOIN locked l ON l.id = w.product_id
               WHERE p.id = l.id AND NOT EXISTS (SELECT 1 FROM short)
              RETURNING p.id, p.price_amount, p.currency, p.stock, p.version)
       SELECT l.id, l.stock, t.price_amount, t.currency, t.stock AS stock_left, t.version
         FROM locked l LEFT JOIN taken t ON t.id = l.id`,
      [lines.map((l) => l.productId), lines.map((l) => l.quantity)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const line of lines) {
      const row = byId.get(line.productId);
      if (!row) throw new ProductNotFoundError(line.productId);
      if (row.stock < line.quantity) throw new InsufficientStockError(line.productId, line.quantity, row.stock);
    }
    return lines.map((line) => {
      const row = byId.get(line.productId)!;
      return { ...line, unitPrice: { amount: row.price_amount!, currency: row.currency! }, stockLeft: row.stock_left!, productVersion: row.version! };
    });
  }

  /** One statement, with the rows locked in id order like `reserve` (the UPDATE joins `locked`). */
  async release(lines: readonly StockLine[]): Promise<StockLevel[]> {
    const ids = lines.map((l) => l.productId);
    const rows = await this.db.sql<{ id: string; stock: number; version: number }>(
      `WITH locked AS (SELECT id FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
       UPDATE products p
          SET stock = p.stock + l.quantity, version = p.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS l(product_id, quantity), locked
        WHERE p.id = l.product_id AND locked.id = p.id
        RETURNING p.id, p.stock, p.version`,
      [ids, lines.map((l) => l.quantity)],
    );
    return rows.map((r) => ({ productId: r.id, stock: r.stock, version: r.version }));
  }
}

const filterConditions: FilterConditions<ProductFilter> = (filter, params) => {
  const conditions: string[] = [];
  if (filter.search) {
    const pattern = params.addShapingPlan(`%${escapeLike(filter.search)}%`);
    conditions.push(`(p.name ILIKE ${pattern} OR p.sku ILIKE ${pattern})`);
  }
  if (filter.inStock === true) conditions.push('p.stock > 0');
  if (filter.inStock === false) conditions.push('p.stock = 0');
  if (filter.minPrice != null) conditions.push(`p.price_amount >= ${params.addShapingPlan(filter.minPrice)}`);
  if (filter.maxPrice != null) conditions.push(`p.price_amount <= ${params.addShapingPlan(filter.maxPrice)}`);
  return conditions;
};

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function fromRow(r: ProductRow): Product {
  return {
    id: r.id,
    sku: r.sku,
    name: r.name,
    description: r.description,
    price: { amount: r.price_amount, currency: r.currency },
    stock: r.stock,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
