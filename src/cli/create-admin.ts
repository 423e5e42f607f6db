import 'reflect-metadata';
import { composeDetachedApplication, type AppLiveTopics } from '../composition';
import { createLivePubSub } from '../platform/pubsub';
import { bootstrap } from '../platform/bootstrap';
import { AppError } from '../platform/errors';
import { withDatabase } from './with-database';
import { cliOptions } from './args';

const USAGE = 'npm run create-admin -- --email <email> --password <password> [--name <name>]';

async function main(): Promise<void> {
  const options = cliOptions(USAGE, { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } });
  if (!options.email || !options.password) {
    process.stderr.write(`usage: ${USAGE}\n`);
    process.exit(2);
  }
  const { config, logger } = bootstrap('create-admin');
  // With Redis, running API instances learn of the promotion (and of a reset password) at once.
  const pubsub = config.redis.url ? createLivePubSub<AppLiveTopics>({ redisUrl: config.redis.url, prefix: config.redis.prefix, logger }) : undefined;
  try {
    await withDatabase(config, logger, async (database) => {
      const { users } = composeDetachedApplication({ config, database, logger, live: pubsub?.channels }).modules;
      const { user, created } = await users.service.ensureAdmin({
        email: options.email!,
        password: options.password!,
        name: options.name ?? 'Admin',
      });
      process.stdout.write(`${created ? 'created' : 'updated'} admin ${user.email} (${user.id})\n`);
    });
  } finally {
    await pubsub?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`create-admin failed: ${error instanceof AppError ? error.message : String(error)}\n`);
  process.exit(1);
});

