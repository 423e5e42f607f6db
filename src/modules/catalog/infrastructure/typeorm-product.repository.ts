import { In, type SelectQueryBuilder } from 'typeorm';
import { isUniqueViolation, keysetPage, type Database } from '../../../platform/database';
import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { ProductRepository, VersionedUpdate } from '../application/catalog.repository';
import { InsufficientStockError, ProductNotFoundError, SkuTakenError, StockLimitError } from '../domain/catalog.errors';
import type { ReservedLine, StockLine } from '../domain/stock';
import { LIMITS, type Product, type ProductChanges, type ProductDraft, type ProductFilter } from '../domain/product';
import { ProductOrmEntity } from './catalog.orm-entities';

/** Raw rows as `RETURNING *` gives them (snake_case columns). */
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

export class TypeOrmProductRepository implements ProductRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.manager.getRepository(ProductOrmEntity);
  }

  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.repo.findBy({ id: In([...ids]) });
    return rows.map(fromEntity);
  }

  async list(filter: ProductFilter, page: PageRequest<CreatedAtKey>): Promise<Product[]> {
    return (await keysetPage(this.filtered(filter), page).getMany()).map(fromEntity);
  }

  count(filter: ProductFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  async create(draft: ProductDraft): Promise<Product> {
    try {
      const saved = await this.repo.save(this.repo.create({ ...draft, version: 1 }));
      // Re-read so defaults set by the database (timestamps) come back exactly as stored.
      return fromEntity(await this.repo.findOneByOrFail({ id: saved.id }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new SkuTakenError(draft.sku);
      throw error;
    }
  }

  async updateIfVersion(id: string, expectedVersion: number, changes: ProductChanges): Promise<VersionedUpdate> {
    const rows = await this.db.sql<ProductRow>(
      `UPDATE products
          SET name = COALESCE($3, name),
              description = COALESCE($4, description),
              price_amount = COALESCE($5, price_amount),
              version = version + 1,
              updated_at = now()
        WHERE id = $1 AND version = $2
        RETURNING *`,
      [id, expectedVersion, changes.name ?? null, changes.description ?? null, changes.priceAmount ?? null],
    );
    if (rows[0]) return { outcome: 'updated', product: fromRow(rows[0]) };
    const current = await this.repo.findOne({ where: { id }, select: { id: true, version: true } });
    return current ? { outcome: 'stale', currentVersion: current.version } : { outcome: 'missing' };
  }

  async addStock(id: string, quantity: number): Promise<Product | null> {
    const rows = await this.db.sql<ProductRow>(
      `UPDATE products
          SET stock = stock + $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND stock <= $3::int - $2::int
        RETURNING *`,
      [id, quantity, LIMITS.maxStock],
    );
    if (rows[0]) return fromRow(rows[0]);
    if (await this.repo.existsBy({ id })) throw new StockLimitError();
    return null;
  }

  async reserve(lines: readonly StockLine[]): Promise<ReservedLine[]> {
    const ids = lines.map((l) => l.productId);
    const locked = await this.db.sql<{ id: string; stock: number }>(
      `SELECT id, stock FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    const stockById = new Map(locked.map((r) => [r.id, r.stock]));
    for (const line of lines) {
      const stock = stockById.get(line.productId);
      if (stock === undefined) throw new ProductNotFoundError(line.productId);
      if (stock < line.quantity) throw new InsufficientStockError(line.productId, line.quantity, stock);
    }
    const rows = await this.db.sql<{ id: string; price_amount: number; currency: string; stock: number }>(
      `UPDATE products p
          SET stock = p.stock - l.quantity, version = p.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS l(product_id, quantity)
        WHERE p.id = l.product_id
        RETURNING p.id, p.price_amount, p.currency, p.stock`,
      [ids, lines.map((l) => l.quantity)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return lines.map((line) => {
      const row = byId.get(line.productId)!;
      return { ...line, unitPrice: { amount: row.price_amount, currency: row.currency }, stockLeft: row.stock };
    });
  }

  async release(lines: readonly StockLine[]): Promise<{ productId: string; stock: number }[]> {
    const ids = lines.map((l) => l.productId);
    await this.db.sql(`SELECT id FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    const rows = await this.db.sql<{ id: string; stock: number }>(
      `UPDATE products p
          SET stock = p.stock + l.quantity, version = p.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS l(product_id, quantity)
        WHERE p.id = l.product_id
        RETURNING p.id, p.stock`,
      [ids, lines.map((l) => l.quantity)],
    );
    return rows.map((r) => ({ productId: r.id, stock: r.stock }));
  }

  private filtered(filter: ProductFilter): SelectQueryBuilder<ProductOrmEntity> {
    const query = this.repo.createQueryBuilder('p');
    if (filter.search) {
      query.andWhere('(p.name ILIKE :pattern OR p.sku ILIKE :pattern)', { pattern: `%${escapeLike(filter.search)}%` });
    }
    if (filter.inStock === true) query.andWhere('p.stock > 0');
    if (filter.inStock === false) query.andWhere('p.stock = 0');
    if (filter.minPrice != null) query.andWhere('p.price_amount >= :minPrice', { minPrice: filter.minPrice });
    if (filter.maxPrice != null) query.andWhere('p.price_amount <= :maxPrice', { maxPrice: filter.maxPrice });
    return query;
  }
}

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function fromEntity(e: ProductOrmEntity): Product {
  return {
    id: e.id,
    sku: e.sku,
    name: e.name,
    description: e.description,
    price: { amount: e.priceAmount, currency: e.currency },
    stock: e.stock,
    version: e.version,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

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
