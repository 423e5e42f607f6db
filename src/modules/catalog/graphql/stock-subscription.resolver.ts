import { Arg, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { StockLiveUpdates } from '../application/stock-live-updates';
import type { CatalogLiveTopics } from '../domain/catalog.live';

@ObjectType('StockChange')
export class StockChangeType {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  stock!: number;

  @Field()
  at!: Date;
}

@Resolver(() => StockChangeType)
export class StockSubscriptionResolver {
  @Subscription(() => StockChangeType, {
    description: 'Stock level changes for the given products (1 to 100 ids); anonymous subscribers allowed.',
    subscribe: ({ args, context }) =>
      (context as GraphQLContext).loaders.get(StockLiveUpdates).subscribe((args as { productIds: string[] }).productIds),
  })
  stockChanged(
    @Root() change: CatalogLiveTopics['STOCK_CHANGED'],
    @Arg('productIds', () => [ID]) _productIds: string[],
  ): StockChangeType {
    return Object.assign(new StockChangeType(), change);
  }
}

/** Its result depends on the event only, not on who listens: executed once per event for all. */
export const VIEWER_INDEPENDENT_SUBSCRIPTIONS = ['stockChanged'];
