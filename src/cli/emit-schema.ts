import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema, composeDetachedApplication } from '../composition';
import { loadConfig } from '../platform/config';

/**
 * Prints the schema the code builds to schema.graphql (sorted, so diffs are stable). With
 * --check, fails instead when the committed file differs. Needs no database.
 */
async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'development' });
  const schema = await buildApiSchema(composeDetachedApplication({ config }));
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
