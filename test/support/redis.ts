import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { env } from './services';
import { startTestApp, type TestApp } from './test-app';
import { eventually } from './wait';

/**
 * `describe` for suites that need Redis: they run when global-setup found one (always under
 * CI=true, where a missing Redis fails the run) and are skipped with a printed reason otherwise.
 */
export function describeWithRedis(name: string, body: (redisUrl: () => string) => void): void {
  if (env.redisUrl) {
    describe(name, () => body(() => env.redisUrl!));
  } else {
    describe.skip(`${name} (skipped: no Redis answered at TEST_REDIS_URL or 127.0.0.1:6379)`, () => body(() => ''));
  }
}

/** A key and channel prefix of this test's own, so runs never see each other's messages. */
export const uniquePrefix = (): string => `sg-test-${randomBytes(4).toString('hex')}:`;

/** Number of subscribers of each channel, as Redis counts them (`PUBSUB NUMSUB`). */
export async function subscriberCounts(redis: Redis, channels: string[]): Promise<number[]> {
  const reply = (await redis.call('PUBSUB', 'NUMSUB', ...channels)) as (string | number)[];
  return channels.map((_, i) => Number(reply[i * 2 + 1]));
}

export async function channelsWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  return (await redis.call('PUBSUB', 'CHANNELS', `${prefix}*`)) as string[];
}

export function waitForSubscribers(redis: Redis, channel: string, atLeast = 1): Promise<number[]> {
  return eventually(() => subscriberCounts(redis, [channel]), ([n]) => (n ?? 0) >= atLeast, { what: `a subscriber on ${channel}` });
}

export const redisServerInstalled = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

/** A Redis server of the test's own on a free loopback port, which the test may stop and start. */
export class DisposableRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<DisposableRedis> {
    const redis = new DisposableRedis(await freePort());
    await redis.startServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await eventually(
      async () => probe.connect().then(() => probe.ping(), () => 'down'),
      (reply) => reply === 'PONG',
      { what: 'redis-server to start', intervalMs: 50 },
    ).finally(() => probe.disconnect());
  }

  async stopServer(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An app on Redis under a key prefix of its own, and a Redis connection to look at its keys.
 * Registers the hooks that start it and, at the end, stop it and delete the prefix's keys; call
 * it in a `describeWithRedis` body and read `app.test`, `app.redis` from tests.
 */
export function useAppOnRedis(redisUrl: () => string, appEnv: Record<string, string> = {}) {
  const prefix = uniquePrefix();
  const app = { prefix } as { prefix: string; test: TestApp; redis: Redis };
  beforeAll(async () => {
    app.test = await startTestApp({ env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, ...appEnv } });
    app.redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    const keys = await app.redis.keys(`${prefix}*`);
    if (keys.length > 0) await app.redis.del(...keys);
    app.redis.disconnect();
    await app.test.stop();
  });
  return app;
}
