import 'reflect-metadata';
import { composeDetachedApplication } from '../composition';
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
  await withDatabase(config, logger, async (database) => {
    const { users } = composeDetachedApplication({ config, database, logger }).modules;
    const { user, created } = await users.service.ensureAdmin({
      email: options.email!,
      password: options.password!,
      name: options.name ?? 'Admin',
    });
    process.stdout.write(`${created ? 'created' : 'updated'} admin ${user.email} (${user.id})\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`create-admin failed: ${error instanceof AppError ? error.message : String(error)}\n`);
  process.exit(1);
});

