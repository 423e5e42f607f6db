import { createHash } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

/** The hash clients and Apollo use for a document (APQ's sha256Hash): hex SHA-256 of its text. */
export const documentHash = (query: string): string => createHash('sha256').update(query).digest('hex');

/**
 * `documentHash`, remembered for the texts seen most recently: clients send the same few
 * documents over and over, and a lookup by text costs less than a SHA-256 through the crypto
 * binding. Bounded by total text length; starts over when full.
 */
export class DocumentHashes {
  private readonly byText = new Map<string, string>();
  private length = 0;

  constructor(private readonly maxLength = 4 * 1024 * 1024) {}

  of(query: string): string {
    let hash = this.byText.get(query);
    if (hash === undefined) {
      hash = documentHash(query);
      if (this.length + query.length > this.maxLength) {
        this.byText.clear();
        this.length = 0;
      }
      this.byText.set(query, hash);
      this.length += query.length;
    }
    return hash;
  }
}

/**
 * Parsed and validated documents by document hash, least recently used first out, bounded by the
 * total length of their texts (a parsed document is roughly proportional to its source). Only
 * documents that passed validation are stored, so a hit skips parsing and every validation rule.
 * HTTP (through Apollo's documentStore) and WebSocket read and fill the same cache.
 */
export class DocumentCache {
  private readonly entries = new Map<string, { document: DocumentNode; weight: number }>();
  private weight = 0;

  constructor(private readonly maxWeight = 30 * 1024 * 1024) {}

  get(hash: string): DocumentNode | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return entry.document;
  }

  set(hash: string, document: DocumentNode): void {
    const existing = this.entries.get(hash);
    if (existing) this.weight -= existing.weight;
    const weight = (document.loc?.end ?? 1_000) + hash.length;
    this.entries.delete(hash);
    this.entries.set(hash, { document, weight });
    this.weight += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
  }

  delete(hash: string): boolean {
    const entry = this.entries.get(hash);
    if (!entry) return false;
    this.entries.delete(hash);
    this.weight -= entry.weight;
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * This cache as Apollo's `documentStore`. Apollo prefixes its keys with a schema hash (one
   * schema per process here), so the part after the last ':' is the document hash.
   */
  asApolloDocumentStore(): KeyValueCache<DocumentNode> {
    const hashOf = (key: string) => key.slice(key.lastIndexOf(':') + 1);
    return {
      get: async (key) => this.get(hashOf(key)),
      set: async (key, document) => this.set(hashOf(key), document),
      delete: async (key) => this.delete(hashOf(key)),
    };
  }
}
