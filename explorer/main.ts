/**
 * The browser side of the self-hosted explorer served at /graphql: GraphiQL, bundled with React
 * by scripts/build-explorer.mjs, so the page needs no CDN and sends nothing anywhere but this
 * server. Queries and mutations go over HTTP POST (application/json, which Apollo's CSRF
 * prevention accepts); subscriptions over graphql-ws on the same path, with the headers
 * editor's Authorization passed as connectionParams, as the server expects.
 */
import type { Fetcher, FetcherOpts, FetcherParams } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const endpoint = new URL(window.location.pathname, window.location.href);
const socketUrl = `${endpoint.protocol === 'https:' ? 'wss:' : 'ws:'}//${endpoint.host}${endpoint.pathname}`;

/** One socket per Authorization value: changing the token in the headers editor opens a new one. */
const sockets = new Map<string, Client>();
function socketFor(authorization: string | undefined): Client {
  const key = authorization ?? '';
  let client = sockets.get(key);
  if (!client) {
    client = createClient({ url: socketUrl, lazy: true, connectionParams: authorization ? { authorization } : {} });
    sockets.set(key, client);
  }
  return client;
}

function headerValue(headers: FetcherOpts['headers'], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry && typeof entry[1] === 'string' ? entry[1] : undefined;
}

function isSubscription(params: FetcherParams, opts: FetcherOpts | undefined): boolean {
  try {
    const document = opts?.documentAST ?? parse(params.query);
    return getOperationAST(document, params.operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false; // the server answers with the syntax error
  }
}

/**
 * The server's depth limit (MAX_QUERY_DEPTH, 12 by default) applies to introspection too, and
 * GraphiQL's own introspection query nests type references 9 deep (depth 15). Six levels still
 * describe every wrapper this schema has ([T!]! is four) and keep the query at depth 12.
 */
const INTROSPECTION_QUERY = getIntrospectionQuery({ typeDepth: 6, directiveIsRepeatable: true, specifiedByUrl: true, inputValueDeprecation: true });

/**
 * GraphiQL can send the operation name the editor held a moment ago (the text was replaced and
 * it has not re-parsed yet). A name that names no operation of a one-operation document is
 * dropped, so the document that is shown is the one that runs.
 */
function withCurrentOperationName(params: FetcherParams): FetcherParams {
  if (!params.operationName) return params;
  try {
    const operations = parse(params.query).definitions.filter((d) => d.kind === 'OperationDefinition');
    const named = operations.some((d) => d.kind === 'OperationDefinition' && d.name?.value === params.operationName);
    return !named && operations.length === 1 ? { ...params, operationName: null } : params;
  } catch {
    return params; // the server answers with the syntax error
  }
}

const fetcher: Fetcher = async (params, opts) => {
  if (params.operationName === 'IntrospectionQuery') params = { ...params, query: INTROSPECTION_QUERY };
  else params = withCurrentOperationName(params);
  // The document GraphiQL parsed may be the previous text: parse the one being sent.
  opts = opts && { ...opts, documentAST: undefined };
  if (isSubscription(params, opts)) {
    return socketFor(headerValue(opts?.headers, 'authorization')).iterate({
      query: params.query,
      operationName: params.operationName ?? undefined,
      variables: params.variables ?? undefined,
    });
  }
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { ...opts?.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(params),
  });
  return response.json();
};

const DEFAULT_QUERY = `# Welcome to the storefront-graph explorer (self-hosted GraphiQL).
#
# Signed-in operations: run signIn (or signUp) below, then put the token into the
# Headers tab as {"Authorization": "Bearer <token>"}. Subscriptions (stockChanged,
# orderUpdated, notificationAdded) run over graphql-ws on this same path.

query Products {
  products(first: 5) {
    edges {
      node {
        id
        name
        stock
        price { amount currency }
      }
    }
  }
}
`;

createRoot(document.getElementById('explorer')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: true,
  }),
);
