import { Arg, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { StockLiveUpdates } from '../application/stock-live-updates';
import type { CatalogLiveTopics } from '../domain/catalog.live';

@ObjectType('StockChange')
export class StockChangeType {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  stock!: number;

  @Field(() => Int, {
    description:
      "The product's version with this stock level (Product.version). Live updates are not resumable and may repeat: drop a change whose version is not above the one you hold, and refetch after reconnecting.",
  })
  version!: number;

  @Field()
  at!: Date;
}

/** The stockChanged subscription over its live-update source (injected by closure, see orderSubscriptionResolver). */
export function stockSubscriptionResolver(live: StockLiveUpdates) {
  @Resolver(() => StockChangeType)
  class StockSubscriptionResolver {
    @Subscription(() => StockChangeType, {
      description: 'Stock level changes for the given products (1 to 100 ids); anonymous subscribers allowed.',
      subscribe: ({ args }) => live.subscribe((args as { productIds: string[] }).productIds),
    })
    stockChanged(
      @Root() change: CatalogLiveTopics['STOCK_CHANGED'],
      @Arg('productIds', () => [ID]) _productIds: string[],
    ): StockChangeType {
      return Object.assign(new StockChangeType(), change);
    }
  }
  return StockSubscriptionResolver;
}

/** Its result depends on the event only, not on who listens: executed once per event for all. */
export const VIEWER_INDEPENDENT_SUBSCRIPTIONS = ['stockChanged'];
