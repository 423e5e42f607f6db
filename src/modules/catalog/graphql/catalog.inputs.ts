import { IsInt, IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../../../platform/graphql/connection';
import { CURRENCY_CODE, CURRENCY_CODE_RULE } from '../../../platform/money';
import { LIMITS, SKU_PATTERN, SKU_RULE } from '../domain/product';
import { REVIEW_BODY_MAX_LENGTH } from '../domain/review';

@InputType('ProductFilter')
export class ProductFilterInput {
  @Field(() => String, { nullable: true, description: 'Case-insensitive match on name or sku.' })
  @IsOptional()
  @MaxLength(LIMITS.searchLength)
  search?: string | null;

  @Field(() => Boolean, { nullable: true })
  inStock?: boolean | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  minPrice?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  maxPrice?: number | null;
}

@ArgsType()
export class ProductsArgs extends ConnectionArgs {
  @Field(() => ProductFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ProductFilterInput | null;
}

@InputType('CreateProductInput')
export class CreateProductInput {
  @Field()
  @Length(1, LIMITS.skuLength)
  @Matches(SKU_PATTERN, { message: `must be ${SKU_RULE}` })
  sku!: string;

  @Field()
  @Length(1, LIMITS.nameLength)
  name!: string;

  @Field()
  @MaxLength(LIMITS.descriptionLength)
  description!: string;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(LIMITS.maxPriceAmount)
  priceAmount!: number;

  @Field()
  @Matches(CURRENCY_CODE, { message: CURRENCY_CODE_RULE })
  currency!: string;

  @Field(() => Int)
  @Min(0)
  @Max(LIMITS.maxStock)
  stock!: number;
}

@InputType('UpdateProductInput')
export class UpdateProductInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.nameLength)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.descriptionLength)
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(LIMITS.maxPriceAmount)
  priceAmount?: number | null;

  @Field(() => Int, { description: 'The version the caller read; a stale one fails with CONFLICT.' })
  @Min(1)
  expectedVersion!: number;
}

@ArgsType()
export class RestockArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  @Max(LIMITS.maxRestock)
  quantity!: number;
}

@InputType('AddReviewInput')
export class AddReviewInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  @Min(1)
  @Max(5)
  rating!: number;

  @Field()
  @Length(1, REVIEW_BODY_MAX_LENGTH)
  body!: string;
}
