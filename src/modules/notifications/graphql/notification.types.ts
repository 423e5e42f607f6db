import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { ConnectionArgs, connectionTypes } from '../../../platform/graphql/connection';
import type { Notification } from '../domain/notification';

@ObjectType('Notification')
export class NotificationType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'ORDER_PLACED, ORDER_PAID, PAYMENT_FAILED, ORDER_CANCELLED, ORDER_REFUNDED or ORDER_FULFILLED.' })
  kind!: string;

  @Field()
  message!: string;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;

  @Field()
  createdAt!: Date;

  orderId!: string | null;

  static from(n: Notification): NotificationType {
    return Object.assign(new NotificationType(), {
      id: n.id,
      kind: n.kind,
      message: n.message,
      readAt: n.readAt,
      createdAt: n.createdAt,
      orderId: n.orderId,
    });
  }
}

@ArgsType()
export class NotificationsArgs extends ConnectionArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false })
  unreadOnly?: boolean | null;
}

export const { EdgeType: NotificationEdge, ConnectionType: NotificationConnection } = connectionTypes(NotificationType, 'Notification');
