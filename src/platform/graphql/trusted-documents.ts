import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from '../logger';

export type TrustedDocumentsMode = 'off' | 'audit' | 'enforce';

interface Manifest {
  format: string;
  operations: { id: string; name: string; body: string }[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const persistedQueryNotFound = (): GraphQLError =>
  new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } } });

/**
 * Trusted documents: the operations in the manifest codegen writes (persisted-operations.json).
 * `enforce` runs only those (sent in full, or by hash as in APQ); `audit` runs anything but logs
 * operations that are not in the manifest; `off` ignores the manifest.
 */
export class TrustedDocuments {
  private constructor(
    readonly mode: TrustedDocumentsMode,
    private readonly byId: ReadonlyMap<string, string>,
    private readonly logger: Logger,
  ) {}

  static load(mode: TrustedDocumentsMode, manifestPath: string, logger: Logger): TrustedDocuments {
    if (mode === 'off') return new TrustedDocuments(mode, new Map(), logger);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.format !== 'apollo-persisted-query-manifest') throw new Error(`${manifestPath} is not a persisted query manifest`);
    const byId = new Map(manifest.operations.map((o) => [o.id, o.body]));
    logger.info({ mode, operations: byId.size }, 'trusted documents loaded');
    return new TrustedDocuments(mode, byId, logger);
  }

  /** Null when the operation may run; the error to answer otherwise. Logs in audit mode. */
  check(query: unknown, extensions: unknown, operationName?: unknown): GraphQLError | null {
    if (this.mode === 'off') return null;
    const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
    const id = typeof query === 'string' ? sha256(query) : typeof hash === 'string' ? hash : undefined;
    // No query text and a known hash: Apollo resolves it from the cache below.
    if (id !== undefined && this.byId.has(id)) return null;
    if (id === undefined) return null;
    if (this.mode === 'audit') {
      this.logger.warn({ operationName, operationId: id }, 'operation not in the trusted documents (audit mode: allowed)');
      return null;
    }
    return persistedQueryNotFound();
  }

  /** Express middleware for /graphql (after body parsing). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const params = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | unknown[] | undefined;
      if (!params || Array.isArray(params)) return next();
      let extensions = params.extensions;
      if (typeof extensions === 'string') {
        try {
          extensions = JSON.parse(extensions);
        } catch {
          return next();
        }
      }
      const refused = this.check(params.query, extensions, params.operationName);
      if (!refused) return next();
      res.status(400).json({ errors: [{ message: refused.message, extensions: { code: refused.extensions.code } }] });
    };
  }

  /**
   * The cache behind Apollo's persisted queries: manifest operations are always there, so a
   * client may send just the hash. In `enforce` mode nothing else can be registered.
   */
  persistedQueryCache(fallback: KeyValueCache<string> | undefined): KeyValueCache<string> | undefined {
    if (this.mode === 'off') return fallback;
    const manifest = this.byId;
    const enforce = this.mode === 'enforce';
    const idOf = (key: string) => key.replace(/^apq:/, '');
    return {
      async get(key) {
        return manifest.get(idOf(key)) ?? (enforce ? undefined : await fallback?.get(key));
      },
      async set(key: string, value: string, options?: KeyValueCacheSetOptions) {
        if (!enforce && !manifest.has(idOf(key))) await fallback?.set(key, value, options);
      },
      async delete(key) {
        return enforce ? false : ((await fallback?.delete(key)) ?? false);
      },
    };
  }
}
