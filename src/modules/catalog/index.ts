/** The catalog module's public surface: other modules and the composition import from here only. */

// Application API: the module's factory, its events and the errors callers handle.
export { createCatalogModule, type CatalogModule } from './catalog.module';
export type { CatalogEvents, StockChanged } from './domain/catalog.events';
export type { CatalogLiveTopics } from './domain/catalog.live';
export { InsufficientStockError, ProductNotFoundError } from './domain/catalog.errors';

// Schema pieces the root mounts (GraphQL types and loaders other modules' resolvers extend).
export { ProductType } from './graphql/catalog.types';
export { CatalogLoaders } from './graphql/catalog.loaders';
export { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from './graphql/stock-subscription.resolver';
