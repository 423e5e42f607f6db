import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config';

/**
 * The secret an API process signs tokens with. JWT_SECRET when it is set. Without it, only a
 * process on the embedded PostgreSQL may run, with a random secret generated once per data
 * directory and kept beside it, so tokens survive restarts yet no secret is ever public. With a
 * DATABASE_URL, whatever NODE_ENV says, a real database is behind the process: it must not start.
 */
export function resolveServerJwtSecret(config: Config): string {
  if (config.auth.jwtSecret !== undefined) return config.auth.jwtSecret;
  if (config.database.url !== undefined) {
    throw new ConfigError([
      'JWT_SECRET is required when DATABASE_URL is set (only the embedded database gets a generated development secret)',
    ]);
  }
  return developmentSecretFor(config.database.embeddedDir);
}

/** `<dataDir>.jwt-secret`: one random secret per embedded data directory, readable by its owner only. */
export function developmentSecretFor(dataDir: string): string {
  const file = `${path.resolve(dataDir)}.jwt-secret`;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx' fails if another process created it first; then both use that one.
    writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < 32) throw new ConfigError([`${file} holds no usable secret: delete it to generate a new one`]);
  return secret;
}
