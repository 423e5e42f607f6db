import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MoneyType } from '../../../platform/graphql/money.type';
import type { Payment } from '../domain/payment';

export enum PaymentStatusEnum {
  PENDING = 'PENDING',
  CAPTURED = 'CAPTURED',
  FAILED = 'FAILED',
  REFUNDED = 'REFUNDED',
}
registerEnumType(PaymentStatusEnum, { name: 'PaymentStatus' });

@ObjectType('Payment')
export class PaymentType {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentStatusEnum)
  status!: PaymentStatusEnum;

  @Field(() => MoneyType)
  amount!: MoneyType;

  @Field(() => Int, { description: 'How many times the provider was called for this payment.' })
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  updatedAt!: Date;

  static from(payment: Payment): PaymentType {
    return Object.assign(new PaymentType(), {
      id: payment.id,
      status: payment.status as PaymentStatusEnum,
      amount: MoneyType.from(payment.amount),
      attempts: payment.attempts,
      lastError: payment.lastError,
      updatedAt: payment.updatedAt,
    });
  }
}
