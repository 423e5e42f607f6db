/**
 * Fan-out benchmark for `stockChanged` (npm run bench:subscriptions). Starts the API as its own
 * process on Redis, connects N WebSocket clients (plain graphql-transport-ws over `ws`, to keep
 * the client side cheap) subscribed to one product, publishes events into the product's Redis
 * channel at a fixed rate with the send time in `at`, and reports delivery and latency.
 *
 *   BENCH_SUBSCRIBERS (1000)  BENCH_RATE (50 events/s)  BENCH_SECONDS (10)
 *   BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres)  BENCH_REDIS_URL (redis://127.0.0.1:6379)
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createScratchDatabase } from './scratch-database';
import { liveCodec } from '../src/platform/pubsub';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUERY = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock at } }';

interface Subscriber {
  socket: WebSocket;
  received: Map<number, number>;
}

async function main(): Promise<void> {
  const prefix = `sg-bench-${randomBytes(4).toString('hex')}:`;
  const { url: dbUrl, drop: dropDatabase } = await createScratchDatabase('sg_bench');
  const redis = new Redis(REDIS_URL);
  let api: ReturnType<typeof spawn> | undefined;
  const subscribers: Subscriber[] = [];
  try {
    api = spawn(process.execPath, [path.resolve(__dirname, '../src/main.js'), '--no-worker'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
        PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9',
        DATABASE_URL: dbUrl,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        MIGRATE_ON_START: 'false',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await readyUrl(api);
    const productId = randomUUID();
    const channel = `${prefix}STOCK_CHANGED:product:${productId}`;

    const connectStarted = Date.now();
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      const batch = Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, () => subscribe(url, productId));
      subscribers.push(...(await Promise.all(batch)));
    }
    // Warm-up: publish until every subscriber has seen an event, so all subscriptions are live.
    let warmups = 0;
    while (subscribers.some((s) => s.received.size === 0)) {
      await redis.publish(channel, liveCodec.serialize({ productId, stock: -1 - warmups, version: 1 + warmups, at: new Date() }));
      warmups += 1;
      await sleep(100);
      if (warmups > 200) throw new Error('subscribers never all received the warm-up event');
    }
    for (const s of subscribers) s.received.clear();
    console.log(`${SUBSCRIBERS} subscribers connected and live in ${Date.now() - connectStarted} ms`);

    const total = RATE * SECONDS;
    const started = Date.now();
    for (let seq = 1; seq <= total; seq += 1) {
      const due = started + ((seq - 1) * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      await redis.publish(channel, liveCodec.serialize({ productId, stock: seq, version: 1 + warmups + seq, at: new Date() }));
    }
    await sleep(2_000);

    const latencies: number[] = [];
    let delivered = 0;
    for (const s of subscribers) {
      for (const [seq, latency] of s.received) {
        if (seq >= 1 && seq <= total) {
          delivered += 1;
          latencies.push(latency);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const expected = total * SUBSCRIBERS;
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    console.log('\n=== stockChanged fan-out ===');
    console.log(`subscribers        ${SUBSCRIBERS}`);
    console.log(`events             ${total} at ${RATE}/s for ${SECONDS} s`);
    console.log(`messages expected  ${expected}`);
    console.log(`delivered          ${delivered}`);
    console.log(`lost               ${expected - delivered}`);
    console.log(`latency p50        ${pct(50).toFixed(1)} ms`);
    console.log(`latency p99        ${pct(99).toFixed(1)} ms`);
    console.log(`latency max        ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`);
  } finally {
    for (const s of subscribers) s.socket.terminate();
    api?.kill('SIGTERM');
    if (api) await new Promise((resolve) => api!.once('exit', resolve));
    redis.disconnect();
    await dropDatabase();
  }
}

function subscribe(httpUrl: string, productId: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, received: new Map() };
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (raw) => {
      const now = Date.now();
      const message = JSON.parse(raw.toString()) as { type: string; payload?: { data?: { stockChanged: { stock: number; at: string } } } };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { ids: [productId] } } }));
        resolve(subscriber);
      } else if (message.type === 'next' && message.payload?.data) {
        const { stock, at } = message.payload.data.stockChanged;
        subscriber.received.set(stock, now - Date.parse(at));
      }
    });
  });
}

function readyUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (line.includes('is ready')) resolve(String((JSON.parse(line) as { url: string }).url));
      }
    });
    child.once('exit', (code) => reject(new Error(`API exited early (${code})`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
