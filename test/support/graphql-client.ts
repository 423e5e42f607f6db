import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface ResponseError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; [key: string]: unknown };
}

export interface GraphQLResponse<TData> {
  status: number;
  headers: Headers;
  data: TData | null | undefined;
  errors?: ResponseError[];
  extensions?: { cost?: { requested: number; spent: number; remaining: number; limit: number; resetInSeconds: number }; [key: string]: unknown };
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

/** Talks to the server over real HTTP, as a frontend would, with codegen's typed documents. */
export class GraphQLTestClient {
  constructor(readonly url: string) {}

  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<TData>> {
    return this.post({ query: print(document), variables }, options);
  }

  /** For operations that are not in the typed documents (attacks, malformed requests). */
  async post<TData = Record<string, unknown>>(body: unknown, options: RequestOptions = {}): Promise<GraphQLResponse<TData>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: { data?: TData | null; errors?: ResponseError[]; extensions?: GraphQLResponse<TData>['extensions'] } = {};
    try {
      json = JSON.parse(text);
    } catch {
      json = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
    }
    return { status: response.status, headers: response.headers, data: json.data, errors: json.errors, extensions: json.extensions };
  }
}

/** The codes of a response's errors, for `expect(codes(res)).toEqual([...])`. */
export const errorCodes = (response: GraphQLResponse<unknown>): string[] => (response.errors ?? []).map((e) => e.extensions.code);

/** The `extensions.fields` paths of a BAD_USER_INPUT response, sorted. */
export const fieldPaths = (response: GraphQLResponse<unknown>): string[] =>
  ((response.errors?.[0]?.extensions.fields ?? []) as { path: string }[]).map((f) => f.path).sort();

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<TData>(response: GraphQLResponse<TData>): TData {
  if (response.errors?.length || !response.data) {
    throw new Error(`expected success, got HTTP ${response.status}: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}
