import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { DataSource } from 'typeorm';
import { composeApplication, createRateLimits, type AppLiveTopics } from '../composition-root';
import { createLivePubSub } from '../platform/pubsub';
import { buildGraphQLSchema } from '../platform/graphql/schema';
import { createLogger } from '../platform/logger';
import { loadConfig } from '../platform/config';
import { Database } from '../platform/database';

/**
 * Prints the schema the code builds to schema.graphql (sorted, so diffs are stable). With
 * --check, fails instead when the committed file differs. Needs no database.
 */
async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'development' });
  const unconnected = new Database(new DataSource({ type: 'postgres' }));
  const unused = () => Promise.reject(new Error('not used while emitting the schema'));
  const logger = createLogger({ level: 'silent' });
  const application = composeApplication({
    database: unconnected,
    config,
    logger,
    adapters: { gateway: { capture: unused, refund: unused, findCapture: unused }, email: { send: unused } },
    live: createLivePubSub<AppLiveTopics>({ redisUrl: undefined, prefix: '', logger }).channels,
    limits: createRateLimits(config, null),
  });
  const schema = await buildGraphQLSchema(application.resolvers);
  const text = `${printSchema(lexicographicSortSchema(schema))}\n`;
  const file = path.resolve('schema.graphql');
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // a missing file is stale too
    }
    if (committed !== text) {
      process.stderr.write('schema.graphql is stale: run `npm run schema` and commit the result\n');
      process.exit(1);
    }
    process.stdout.write('schema.graphql is up to date\n');
    return;
  }
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`emit-schema failed: ${String(error)}\n`);
  process.exit(1);
});
