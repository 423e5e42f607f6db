import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { OrderType } from '../../orders';
import { PaymentLoaders } from './payment.loaders';
import { PaymentType } from './payment.type';

/** Order.payment: visible wherever the order is, since it is the order's own data. */
@Resolver(() => OrderType)
export class OrderPaymentResolver {
  @FieldResolver(() => PaymentType, { nullable: true })
  async payment(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<PaymentType | null> {
    const payment = await ctx.loaders.get(PaymentLoaders).byOrderId.load(order.id);
    return payment ? PaymentType.from(payment) : null;
  }
}
