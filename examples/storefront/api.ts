/**
 * A frontend's GraphQL client in a few lines: queries and mutations over HTTP POST by
 * persisted-document hash (the trusted-documents manifest `npm run codegen` writes), the
 * JSON content type that passes Apollo's CSRF prevention, and graphql-ws with the token in
 * connectionParams for subscriptions.
 */
import { createClient, type Client } from 'graphql-ws';
import manifest from '../../persisted-operations.json';

interface ManifestOperation {
  id: string;
  name: string;
  body: string;
}
const operations = new Map((manifest.operations as ManifestOperation[]).map((operation) => [operation.name, operation]));

function operation(name: string): ManifestOperation {
  const found = operations.get(name);
  if (!found) throw new Error(`${name} is not in persisted-operations.json: run npm run codegen`);
  return found;
}

export class GraphQLError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

interface Result<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class StorefrontApi {
  private token: string | null = null;
  private socket: Client | null = null;

  constructor(private readonly url: string) {}

  signedIn(token: string): void {
    this.token = token;
    // A new socket, so the server sees the new viewer from connectionParams.
    void this.socket?.dispose();
    this.socket = null;
  }

  /** By hash first; the full document only if the server has not seen it (automatic persisted queries). */
  async request<T>(name: string, variables: Record<string, unknown>): Promise<T> {
    const { id, body } = operation(name);
    const extensions = { persistedQuery: { version: 1, sha256Hash: id } };
    let result = await this.post<T>({ operationName: name, variables, extensions });
    if (result.errors?.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) {
      result = await this.post<T>({ query: body, operationName: name, variables, extensions });
    }
    if (result.errors?.length) throw new GraphQLError(result.errors[0]!.extensions?.code ?? 'ERROR', result.errors[0]!.message);
    return result.data as T;
  }

  subscribe<T>(name: string, variables: Record<string, unknown>, onData: (data: T) => void, onError: (error: Error) => void): () => void {
    const { id, body } = operation(name);
    return this.live().subscribe<T>(
      { query: body, operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } },
      {
        next: (result) => (result.errors?.length ? onError(new GraphQLError(String(result.errors[0]!.extensions?.code ?? 'ERROR'), result.errors[0]!.message)) : onData(result.data as T)),
        error: (error) => onError(error instanceof Error ? error : new Error('subscription failed')),
        complete: () => {},
      },
    );
  }

  private live(): Client {
    if (!this.socket) {
      const token = this.token;
      const url = this.url.replace(/^http/, 'ws');
      this.socket = createClient({ url, lazy: true, connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}) });
    }
    return this.socket;
  }

  private async post<T>(body: Record<string, unknown>): Promise<Result<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Result<T>;
  }
}
