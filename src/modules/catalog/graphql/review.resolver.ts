import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { InternalInvariantError } from '../../../platform/graphql/invariant';
import { UserLoaders, UserType } from '../../users';
import type { CatalogService } from '../application/catalog.service';
import { AddReviewInput } from './catalog.inputs';
import { CatalogLoaders } from './catalog.loaders';
import { ProductType, ReviewType } from './catalog.types';

@Resolver(() => ReviewType)
export class ReviewResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Mutation(() => ReviewType)
  async addReview(@Arg('input', () => AddReviewInput) input: AddReviewInput, @Ctx() ctx: GraphQLContext): Promise<ReviewType> {
    return ReviewType.from(await this.catalog.addReview(ctx.viewer, input));
  }

  @FieldResolver(() => UserType)
  async author(@Root() review: ReviewType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    const user = await ctx.loaders.get(UserLoaders).byId.load(review.authorId);
    if (!user) throw new InternalInvariantError(`review ${review.id} has no author`);
    return UserType.from(user);
  }

  @FieldResolver(() => ProductType)
  async product(@Root() review: ReviewType, @Ctx() ctx: GraphQLContext): Promise<ProductType> {
    const product = await ctx.loaders.get(CatalogLoaders).productById.load(review.productId);
    if (!product) throw new InternalInvariantError(`review ${review.id} has no product`);
    return ProductType.from(product);
  }
}
