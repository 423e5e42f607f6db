import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../../../platform/graphql/connection';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { InternalInvariantError } from '../../../platform/graphql/invariant';
import { CatalogLoaders, ProductType } from '../../catalog';
import { UserLoaders, UserType } from '../../users';
import type { OrderService } from '../application/order.service';
import { OrdersArgs, PlaceOrderInput } from './order.inputs';
import { OrderLoaders } from './order.loaders';
import { OrderConnection, OrderItemType, OrderType, toOrderStatus } from './order.types';

@Resolver(() => OrderType)
export class OrderResolver {
  constructor(private readonly orderService: OrderService) {}

  @Query(() => OrderType, { nullable: true, description: 'An order its customer or an admin may read; NOT_FOUND otherwise.' })
  async order(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<OrderType> {
    return OrderType.from(await this.orderService.getOrder(ctx.viewer, id));
  }

  @Query(() => OrderConnection, { description: 'Admins see every order; customers see their own.' })
  async orders(@Args(() => OrdersArgs) args: OrdersArgs, @Ctx() ctx: GraphQLContext) {
    const { page, totalCount } = await this.orderService.listOrders(ctx.viewer, toOrderStatus(args.status), args.first, args.after);
    return toConnection(OrderConnection, page, OrderType.from, totalCount);
  }

  @Mutation(() => OrderType, {
    description:
      'Reserves stock and creates a PENDING order in one transaction; payment follows asynchronously (PAID means the payment was CAPTURED).',
  })
  async placeOrder(@Arg('input', () => PlaceOrderInput) input: PlaceOrderInput, @Ctx() ctx: GraphQLContext): Promise<OrderType> {
    const order = await this.orderService.placeOrder(ctx.viewer, {
      items: input.items.map((line) => ({ productId: line.productId, quantity: line.quantity })),
      idempotencyKey: input.idempotencyKey,
    });
    return OrderType.from(order);
  }

  @Mutation(() => OrderType, {
    description:
      'The customer or an admin; PENDING or PAID orders only. Reserved stock returns at once; a PAID order is then refunded (REFUNDED).',
  })
  async cancelOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<OrderType> {
    return OrderType.from(await this.orderService.cancelOrder(ctx.viewer, id));
  }

  @Mutation(() => OrderType, { description: 'Admin only; PAID orders only.' })
  async fulfillOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<OrderType> {
    return OrderType.from(await this.orderService.fulfillOrder(ctx.viewer, id));
  }

  @FieldResolver(() => UserType)
  async customer(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    const user = await ctx.loaders.get(UserLoaders).byId.load(order.customerId);
    if (!user) throw new InternalInvariantError(`order ${order.id} has no customer`);
    return UserType.from(user);
  }

  @FieldResolver(() => [OrderItemType])
  async items(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<OrderItemType[]> {
    return (await ctx.loaders.get(OrderLoaders).itemsByOrderId.load(order.id)).map(OrderItemType.from);
  }
}

@Resolver(() => OrderItemType)
export class OrderItemResolver {
  @FieldResolver(() => ProductType)
  async product(@Root() item: OrderItemType, @Ctx() ctx: GraphQLContext): Promise<ProductType> {
    const product = await ctx.loaders.get(CatalogLoaders).productById.load(item.productId);
    if (!product) throw new InternalInvariantError(`order item refers to missing product ${item.productId}`);
    return ProductType.from(product);
  }
}

@Resolver(() => UserType)
export class UserOrdersResolver {
  constructor(private readonly orderService: OrderService) {}

  @FieldResolver(() => OrderConnection, { description: "The user's own orders; only the user themself and admins may read them." })
  async orders(@Root() user: UserType, @Args(() => OrdersArgs) args: OrdersArgs, @Ctx() ctx: GraphQLContext) {
    const { page, totalCount } = await this.orderService.listOrdersOf(ctx.viewer, user.id, toOrderStatus(args.status), args.first, args.after);
    return toConnection(OrderConnection, page, OrderType.from, totalCount);
  }
}
