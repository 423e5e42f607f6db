import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../platform/graphql/connection';
import { MoneyType } from '../../../platform/graphql/money.type';
import type { Order, OrderItem } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

export enum OrderStatusEnum {
  PENDING = 'PENDING',
  PAID = 'PAID',
  FULFILLED = 'FULFILLED',
  CANCELLED = 'CANCELLED',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  REFUNDED = 'REFUNDED',
}
registerEnumType(OrderStatusEnum, {
  name: 'OrderStatus',
  valuesConfig: {
    PENDING: { description: 'Placed, stock reserved, payment not yet settled.' },
    CANCELLED: { description: 'Cancelled before fulfilment; reserved stock is released.' },
    PAYMENT_FAILED: { description: 'The payment provider declined or kept failing; stock is released.' },
  },
});

@ObjectType('Order')
export class OrderType {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderStatusEnum)
  status!: OrderStatusEnum;

  @Field(() => MoneyType)
  total!: MoneyType;

  @Field(() => Int, {
    description:
      'Grows by one with every change of the order. Live updates are not resumable and may repeat: drop an orderUpdated whose version is not above the one you hold, and refetch after reconnecting.',
  })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Resolved to `customer` (and `items`, `payment`) through the request's loaders. */
  customerId!: string;

  static from(order: Order): OrderType {
    return Object.assign(new OrderType(), {
      id: order.id,
      status: order.status as OrderStatusEnum,
      total: MoneyType.from(order.total),
      version: order.version,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      customerId: order.customerId,
    });
  }
}

@ObjectType('OrderItem')
export class OrderItemType {
  @Field(() => Int)
  quantity!: number;

  @Field(() => MoneyType)
  unitPrice!: MoneyType;

  @Field(() => MoneyType)
  subtotal!: MoneyType;

  productId!: string;

  static from(item: OrderItem): OrderItemType {
    return Object.assign(new OrderItemType(), {
      quantity: item.quantity,
      unitPrice: MoneyType.from(item.unitPrice),
      subtotal: MoneyType.from({ amount: item.unitPrice.amount * item.quantity, currency: item.unitPrice.currency }),
      productId: item.productId,
    });
  }
}

export const toOrderStatus = (status: OrderStatusEnum | null | undefined): OrderStatus | null => status ?? null;

export const { EdgeType: OrderEdge, ConnectionType: OrderConnection } = connectionTypes(OrderType, 'Order');
