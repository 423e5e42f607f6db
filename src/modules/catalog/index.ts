/** The catalog module's public surface: other modules import from here only. */
export { createCatalogModule, type CatalogModule } from './catalog.module';
export type { CatalogService } from './application/catalog.service';
export type { Product } from './domain/product';
export { ProductType } from './graphql/catalog.types';
export { CatalogLoaders } from './graphql/catalog.loaders';
export type { CatalogEvents } from './domain/catalog.events';
export type { ReservedLine, StockLine } from './domain/stock';
export { InsufficientStockError, ProductNotFoundError } from './domain/catalog.errors';
export type { CatalogLiveTopics } from './domain/catalog.live';
export { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from './graphql/stock-subscription.resolver';
