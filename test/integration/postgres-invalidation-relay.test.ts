import { Client } from 'pg';
import { PostgresInvalidationRelay } from '../../src/platform/cache/postgres-invalidation-relay';
import { createLogger } from '../../src/platform/logger';
import { env } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

/**
 * The relay's listening connection runs through a proxy, so the link can hang without the
 * server closing it: only the relay's own ping can notice that.
 */
const database = new URL(env.adminDatabaseUrl);
let proxy: TcpProxy;
let relay: PostgresInvalidationRelay;
let notifier: Client;
const channel = `relay_test_${process.pid}`;

beforeAll(async () => {
  proxy = await TcpProxy.start({ host: database.hostname, port: Number(database.port || 5432) });
  notifier = new Client({ connectionString: env.adminDatabaseUrl });
  await notifier.connect();
});
afterAll(async () => {
  await relay?.stop();
  await notifier.end();
  await proxy.cut();
});

it('when the listening link hangs silently, then the relay reports the loss, and listens again once the link is back', async () => {
  const proxied = new URL(env.adminDatabaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const seen = { lost: 0, listening: 0, tags: [] as string[] };
  relay = new PostgresInvalidationRelay({
    connectionString: proxied.toString(),
    notify: (name, payload) => notifier.query('SELECT pg_notify($1, $2)', [name, payload]).then(() => undefined),
    logger: createLogger({ level: 'silent' }),
    channel,
    pingIntervalMs: 200,
  });
  await relay.listen({
    onTags: (tags) => seen.tags.push(...tags),
    onLost: () => (seen.lost += 1),
    onListening: () => (seen.listening += 1),
  });
  expect(seen).toEqual({ lost: 0, listening: 1, tags: [] });

  proxy.stall();
  await eventually(async () => seen.lost, (lost) => lost >= 1, { what: 'the relay to report the hung link as lost' });

  await proxy.cut();
  await proxy.open();
  await eventually(async () => seen.listening, (listening) => listening >= 2, { what: 'the relay to listen again' });
  // Listening again for real: another process's invalidation arrives.
  await notifier.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ origin: 'another process', tags: ['product:1'] })]);
  await eventually(async () => seen.tags, (tags) => tags.includes('product:1'), { what: 'the invalidation after reconnecting' });
}, 30_000);
