import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../platform/graphql/connection';
import { MoneyType } from '../../../platform/graphql/money.type';
import type { Product } from '../domain/product';
import type { Review } from '../domain/review';

@ObjectType('Product')
export class ProductType {
  @Field(() => ID)
  id!: string;

  @Field()
  sku!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => MoneyType)
  price!: MoneyType;

  @Field(() => Int, { description: 'Units available to order now (reserved units are already subtracted).' })
  stock!: number;

  @Field(() => Int, { description: 'Increases on every change; pass it back as expectedVersion to update safely.' })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  static from(product: Product): ProductType {
    return Object.assign(new ProductType(), {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      price: MoneyType.from(product.price),
      stock: product.stock,
      version: product.version,
      createdAt: product.createdAt,
      updatedAt: product.updatedAt,
    });
  }
}

@ObjectType('Review')
export class ReviewType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  rating!: number;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;

  /** Resolved to `author` and `product` by ReviewResolver through the request's loaders. */
  authorId!: string;
  productId!: string;

  static from(review: Review): ReviewType {
    return Object.assign(new ReviewType(), {
      id: review.id,
      rating: review.rating,
      body: review.body,
      createdAt: review.createdAt,
      authorId: review.authorId,
      productId: review.productId,
    });
  }
}

export const { EdgeType: ProductEdge, ConnectionType: ProductConnection } = connectionTypes(ProductType, 'Product');
export const { EdgeType: ReviewEdge, ConnectionType: ReviewConnection } = connectionTypes(ReviewType, 'Review');
