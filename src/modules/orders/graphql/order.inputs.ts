import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../../../platform/graphql/connection';
import { ORDER_LIMITS } from '../domain/order';
import { OrderStatusEnum } from './order.types';

@InputType('OrderLineInput')
export class OrderLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: '1 to 1000.' })
  @Min(ORDER_LIMITS.minQuantity)
  @Max(ORDER_LIMITS.maxQuantity)
  quantity!: number;
}

@InputType('PlaceOrderInput')
export class PlaceOrderInput {
  @Field(() => [OrderLineInput], { description: '1 to 50 lines, each product at most once.' })
  @ArrayMinSize(ORDER_LIMITS.minLines)
  @ArrayMaxSize(ORDER_LIMITS.maxLines)
  @ValidateNested({ each: true })
  items!: OrderLineInput[];

  @Field({
    description:
      'Client-chosen, 1 to 255 chars, scoped to the customer. A retry with the same key and the same items returns the same order, also when the requests arrive at once; the same key with other items fails with IDEMPOTENCY_KEY_REUSED.',
  })
  @Length(1, ORDER_LIMITS.maxKeyLength)
  idempotencyKey!: string;
}

@ArgsType()
export class OrdersArgs extends ConnectionArgs {
  @Field(() => OrderStatusEnum, { nullable: true })
  @IsOptional()
  status?: OrderStatusEnum | null;
}
