import type { Database } from '../../platform/database';
import type { EventPublisher } from '../../platform/events';
import type { CatalogEvents } from './domain/catalog.events';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import { CatalogService } from './application/catalog.service';
import { CatalogLoaders } from './graphql/catalog.loaders';
import { ProductResolver } from './graphql/product.resolver';
import { ReviewResolver } from './graphql/review.resolver';
import { ProductOrmEntity, ReviewOrmEntity } from './infrastructure/catalog.orm-entities';
import { TypeOrmProductRepository } from './infrastructure/typeorm-product.repository';
import { TypeOrmReviewRepository } from './infrastructure/typeorm-review.repository';

export const catalogOrmEntities = [ProductOrmEntity, ReviewOrmEntity];

export interface CatalogModule {
  service: CatalogService;
  resolvers: Map<ResolverClass, object>;
  registerLoaders(loaders: LoaderFactories): void;
}

export function createCatalogModule(deps: { database: Database; events: EventPublisher<CatalogEvents> }): CatalogModule {
  const service = new CatalogService(
    new TypeOrmProductRepository(deps.database),
    new TypeOrmReviewRepository(deps.database),
    deps.database,
    deps.events,
  );
  return {
    service,
    resolvers: new Map<ResolverClass, object>([
      [ProductResolver, new ProductResolver(service)],
      [ReviewResolver, new ReviewResolver(service)],
    ]),
    registerLoaders: (loaders) => loaders.register(CatalogLoaders, () => new CatalogLoaders(service)),
  };
}
