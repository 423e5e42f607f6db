import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '../src/platform/database';
import { createLogger } from '../src/platform/logger';

/** Where the benchmarks create their databases: a role that may CREATE and DROP DATABASE. */
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one benchmark run; `drop` removes it (also after a failed migration). */
export async function createScratchDatabase(namePrefix: string): Promise<ScratchDatabase> {
  const name = `${namePrefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    await runMigrations(url, createLogger({ level: 'silent' }));
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, drop };
}
