import { Arg, Args, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection } from '../../../platform/graphql/connection';
import type { GraphQLContext } from '../../../platform/graphql/context';
import { pageRequest } from '../../../platform/pagination';
import type { CatalogService } from '../application/catalog.service';
import { CatalogLoaders } from './catalog.loaders';
import { CreateProductInput, ProductsArgs, RestockArgs, UpdateProductInput } from './catalog.inputs';
import { ProductConnection, ProductType, ReviewConnection, ReviewType } from './catalog.types';

@Resolver(() => ProductType)
export class ProductResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => ProductType, { nullable: true })
  async product(@Arg('id', () => ID) id: string): Promise<ProductType | null> {
    const product = await this.catalog.getProduct(id);
    return product ? ProductType.from(product) : null;
  }

  @Query(() => ProductConnection)
  async products(@Args(() => ProductsArgs) args: ProductsArgs) {
    const { page, totalCount } = await this.catalog.listProducts(args.filter ?? {}, args.first, args.after);
    return toConnection(ProductConnection, page, ProductType.from, totalCount);
  }

  @Mutation(() => ProductType, { description: 'Admin only.' })
  async createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: GraphQLContext) {
    return ProductType.from(await this.catalog.createProduct(ctx.viewer, input));
  }

  @Mutation(() => ProductType, { description: 'Admin only.' })
  async updateProduct(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProductInput) input: UpdateProductInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { expectedVersion, ...changes } = input;
    return ProductType.from(await this.catalog.updateProduct(ctx.viewer, id, expectedVersion, changes));
  }

  @Mutation(() => ProductType, { description: 'Admin only: adds units to stock.' })
  async restockProduct(@Args(() => RestockArgs) args: RestockArgs, @Ctx() ctx: GraphQLContext) {
    return ProductType.from(await this.catalog.restockProduct(ctx.viewer, args.id, args.quantity));
  }

  @FieldResolver(() => Float, { nullable: true })
  async averageRating(@Root() product: ProductType, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return (await ctx.loaders.get(CatalogLoaders).ratingByProductId.load(product.id)).averageRating;
  }

  @FieldResolver(() => ReviewConnection)
  async reviews(@Root() product: ProductType, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    const loaders = ctx.loaders.get(CatalogLoaders);
    const page = await loaders.reviewPage(product.id, pageRequest(args.first, args.after));
    const totalCount = async () => (await loaders.ratingByProductId.load(product.id)).reviewCount;
    return toConnection(ReviewConnection, page, ReviewType.from, totalCount);
  }
}
