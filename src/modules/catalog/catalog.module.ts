import type { Database } from '../../platform/database';
import type { EventHandler, EventPublisher } from '../../platform/events';
import type { LiveChannels } from '../../platform/pubsub';
import { StockLiveUpdates } from './application/stock-live-updates';
import type { CatalogLiveTopics } from './domain/catalog.live';
import { stockSubscriptionResolver } from './graphql/stock-subscription.resolver';
import type { CatalogEvents, StockChanged } from './domain/catalog.events';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import { CatalogService } from './application/catalog.service';
import { CatalogLoaders } from './graphql/catalog.loaders';
import { ProductResolver } from './graphql/product.resolver';
import { ReviewResolver } from './graphql/review.resolver';
import { TypeOrmProductRepository } from './infrastructure/typeorm-product.repository';
import { TypeOrmReviewRepository } from './infrastructure/typeorm-review.repository';

export interface CatalogModule {
  service: CatalogService;
  resolvers: Map<ResolverClass, object>;
  eventHandlers: { liveOnStockChanged: EventHandler<StockChanged> };
  registerLoaders(loaders: LoaderFactories): void;
}

export function createCatalogModule(deps: {
  database: Database;
  events: EventPublisher<CatalogEvents>;
  live: LiveChannels<CatalogLiveTopics>;
}): CatalogModule {
  const service = new CatalogService(
    new TypeOrmProductRepository(deps.database),
    new TypeOrmReviewRepository(deps.database),
    deps.database,
    deps.events,
  );
  const live = new StockLiveUpdates(deps.live, async (productId) => {
    const product = await service.getProduct(productId);
    return product && { productId: product.id, stock: product.stock, version: product.version };
  });
  const SubscriptionResolver = stockSubscriptionResolver(live);
  return {
    service,
    resolvers: new Map<ResolverClass, object>([
      [ProductResolver, new ProductResolver(service)],
      [ReviewResolver, new ReviewResolver(service)],
      [SubscriptionResolver, new SubscriptionResolver()],
    ]),
    eventHandlers: { liveOnStockChanged: live.handler() },
    registerLoaders: (loaders) => loaders.register(CatalogLoaders, (_viewer, observe) => new CatalogLoaders(service, observe)),
  };
}
