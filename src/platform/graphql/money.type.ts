import { Field, Int, ObjectType } from 'type-graphql';
import type { Money } from '../money';

@ObjectType('Money')
export class MoneyType {
  @Field(() => Int, { description: 'Integer minor units, e.g. cents.' })
  amount!: number;

  @Field()
  currency!: string;

  static from(money: Money): MoneyType {
    return Object.assign(new MoneyType(), { amount: money.amount, currency: money.currency });
  }
}
