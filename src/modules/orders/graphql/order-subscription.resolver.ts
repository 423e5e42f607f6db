import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import type { OrderLiveUpdates } from '../application/order-live-updates';
import type { Order } from '../domain/order';
import { OrderType } from './order.types';

/**
 * The orderUpdated subscription over its live-update source. A class per source, because
 * type-graphql's `subscribe` option cannot reach the resolver instance: the closure is how the
 * source is injected like any other dependency.
 */
export function orderSubscriptionResolver(live: OrderLiveUpdates) {
  @Resolver(() => OrderType)
  class OrderSubscriptionResolver {
    @Subscription(() => OrderType, {
      description:
        "Every change to the signed-in user's orders (admins: any order); with id, that order only. Anonymous: UNAUTHENTICATED.",
      subscribe: ({ args, context }) => live.subscribe((context as GraphQLContext).viewer, (args as { id?: string | null }).id),
    })
    orderUpdated(@Root() order: Order, @Arg('id', () => ID, { nullable: true }) _id?: string): OrderType {
      return OrderType.from(order);
    }
  }
  return OrderSubscriptionResolver;
}
