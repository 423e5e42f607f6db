import 'reflect-metadata';
import { graphql, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root, UseMiddleware, buildSchema, type MiddlewareFn } from 'type-graphql';
import { leanResolvers } from './lean-resolvers';

@ObjectType('LeanAuthor')
class Author {
  @Field()
  name!: string;
}

@ObjectType('LeanBook')
class Book {
  @Field()
  title!: string;

  @Field({ name: 'code' })
  internalCode!: string;

  authorId!: string;
}

const shouting: MiddlewareFn = async (_data, next) => String(await next()).toUpperCase();

interface Context {
  authors: Map<string, string>;
}

@Resolver(() => Book)
class BookResolver {
  validated: unknown[] = [];

  @Query(() => [Book])
  books(): Book[] {
    // One instance and one plain object: type-graphql converts the second before its field resolvers see it.
    return [Object.assign(new Book(), { title: 'Dune', internalCode: 'd-1', authorId: 'a1' }), { title: 'Emma', internalCode: 'e-1', authorId: 'a2' } as Book];
  }

  @FieldResolver(() => Author)
  author(@Root() book: Book, @Ctx() ctx: Context): Author {
    return Object.assign(new Author(), { name: `${ctx.authors.get(book.authorId)}${book instanceof Book ? '' : ' (unconverted root)'}` });
  }

  @FieldResolver(() => String)
  repeated(@Root() book: Book, @Arg('times', () => Int) times: number): string {
    return book.title.repeat(times);
  }

  @FieldResolver(() => String)
  @UseMiddleware(shouting)
  loud(@Root() book: Book): string {
    return book.title;
  }
}

const QUERY = '{ books { title code author { name } repeated(times: 2) loud } }';
const context: Context = { authors: new Map([['a1', 'Herbert'], ['a2', 'Austen']]) };

async function build(): Promise<{ schema: GraphQLSchema; validated: unknown[] }> {
  const resolver = new BookResolver();
  const container = { get: (someClass: unknown) => (someClass === BookResolver ? resolver : undefined) };
  const schema = await buildSchema({
    resolvers: [BookResolver],
    container,
    validateFn: (value) => {
      resolver.validated.push(value);
    },
  });
  return { schema, validated: resolver.validated };
}

const fieldsOf = (schema: GraphQLSchema) => (schema.getType('LeanBook') as GraphQLObjectType).getFields();

describe('leanResolvers', () => {
  it('when applied, then a query answers exactly as with type-graphql’s own resolvers, with arguments validated and middleware run', async () => {
    const wrapped = await build();
    const lean = await build();
    const before = fieldsOf(lean.schema);
    const original = { author: before.author!.resolve, repeated: before.repeated!.resolve, loud: before.loud!.resolve, code: before.code!.resolve };

    expect(leanResolvers(lean.schema, { get: () => undefined })).toBeGreaterThan(0);

    const fields = fieldsOf(lean.schema);
    expect(fields.title!.resolve).toBeUndefined();
    expect(fields.code!.resolve).toBe(original.code); // a renamed property needs type-graphql's reader
    expect(fields.repeated!.resolve).toBe(original.repeated); // arguments are converted and validated there
    expect(fields.loud!.resolve).toBe(original.loud); // middleware
    const expected = await graphql({ schema: wrapped.schema, source: QUERY, contextValue: context });
    expect(expected.errors).toBeUndefined();
    expect(await graphql({ schema: lean.schema, source: QUERY, contextValue: context })).toEqual(expected);
    expect(expected.data).toEqual({
      books: [
        { title: 'Dune', code: 'd-1', author: { name: 'Herbert' }, repeated: 'DuneDune', loud: 'DUNE' },
        { title: 'Emma', code: 'e-1', author: { name: 'Austen' }, repeated: 'EmmaEmma', loud: 'EMMA' },
      ],
    });
    expect(lean.validated).toEqual([2, 2]);
  });

  it('when the resolver instance is in the container, then a root+context field resolver is called directly', async () => {
    const { schema } = await build();
    const before = fieldsOf(schema).author!.resolve;
    const resolver = new BookResolver();
    leanResolvers(schema, { get: (someClass) => (someClass === BookResolver ? resolver : undefined) });
    expect(fieldsOf(schema).author!.resolve).not.toBe(before);
    expect(await graphql({ schema, source: '{ books { author { name } } }', contextValue: context })).toEqual({
      data: { books: [{ author: { name: 'Herbert' } }, { author: { name: 'Austen' } }] },
    });
  });
});
