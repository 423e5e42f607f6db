import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { ClassType } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../pagination';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  /** Nullable in the contract (`Int = 20`); an explicit null means the default. */
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/**
 * Relay connection types (`XEdge`, `XConnection`) for a node type. `totalCount` may be a
 * function so the count query runs only when a client selects it.
 */
export function connectionTypes<TNode extends object>(nodeType: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    totalCountSource!: number | (() => Promise<number>);

    @Field(() => Int)
    async totalCount(): Promise<number> {
      const source = this.totalCountSource;
      return typeof source === 'function' ? source() : source;
    }
  }

  return { EdgeType, ConnectionType };
}

/** Maps a domain page to a connection object of the given class. */
export function toConnection<TItem, TNode, TConnection extends { edges: unknown; pageInfo: unknown; totalCountSource: unknown }>(
  connectionClass: new () => TConnection,
  page: Page<TItem>,
  toNode: (item: TItem) => TNode,
  totalCount: number | (() => Promise<number>),
): TConnection {
  const { items, cursorOf } = page;
  const edges = items.map((item) => new Edge(item, toNode(item), cursorOf));
  const connection = new connectionClass();
  connection.edges = edges;
  connection.pageInfo = {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: items.length > 0 ? cursorOf(items[0]!) : null,
    endCursor: items.length > 0 ? cursorOf(items.at(-1)!) : null,
  };
  connection.totalCountSource = totalCount;
  return connection;
}

/**
 * An edge whose cursor is encoded when a query selects it: most select only the page's end
 * cursor, and a list of 50 edges would otherwise encode 50 (JSON, ISO date, base64) per request.
 */
class Edge<TItem, TNode> {
  constructor(
    private readonly item: TItem,
    readonly node: TNode,
    private readonly cursorOf: (item: TItem) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.item);
  }
}
