/**
 * Invalidation benchmark for the response cache (npm run bench:cache). Starts two API processes
 * (A and B) and a worker on one PostgreSQL and Redis, production settings, cache on. Readers keep
 * B busy with product pages (most of them cached); meanwhile a writer restocks one hot product
 * at a time through A and, after each change, reads that product on B until the new stock
 * shows. Reported:
 *   - commit → first fresh read on B: from sending the restock to A (an upper bound: the commit
 *     happens inside that request) to the end of the first read on B that shows the new stock;
 *   - stale reads: reads on B that started after A had answered the restock (so after its
 *     commit) and still showed an older stock (target 0);
 *   - the readers' hit ratio and req/s on B.
 *
 *   BENCH_SECONDS (10)  BENCH_READERS (8)  BENCH_PRODUCTS (200)  BENCH_HOT (5)  BENCH_WRITE_INTERVAL_MS (50)
 *   BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres)  BENCH_REDIS_URL (redis://127.0.0.1:6379;
 *   `none`: no Redis, each process caches in memory and invalidations travel over LISTEN/NOTIFY)
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createScratchDatabase } from './scratch-database';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const READERS = Number(process.env.BENCH_READERS ?? 8);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 200);
const HOT = Number(process.env.BENCH_HOT ?? 5);
const WRITE_INTERVAL_MS = Number(process.env.BENCH_WRITE_INTERVAL_MS ?? 50);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WITH_REDIS = REDIS_URL !== 'none';
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password-1' };

const PAGE = `query ProductPage($id: ID!) {
  product(id: $id) { sku name description stock price { amount currency } reviews(first: 10) { edges { node { id rating body createdAt author { name } } } } }
}`;
const RESTOCK = 'mutation Restock($id: ID!) { restockProduct(id: $id, quantity: 1) { stock } }';

interface Read {
  productId: string;
  startedAt: number;
  stock: number;
  hit: boolean;
}

async function main(): Promise<void> {
  const { url: dbUrl, drop: dropDatabase } = await createScratchDatabase('sg_bench_cache');
  const children: ChildProcess[] = [];
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9',
      DATABASE_URL: dbUrl,
      ...(WITH_REDIS ? { REDIS_URL } : {}),
      REDIS_PREFIX: `sg-bench-${randomBytes(4).toString('hex')}:`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      RESPONSE_CACHE: 'on',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      QUERY_COST_BUDGET_PER_MINUTE: '100000000',
      ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '100000000',
      READINESS_REQUIRES_REDIS: 'false',
      METRICS_PORT: '0',
    };
    const start = (entry: string, args: string[], ready: RegExp) => {
      const child = spawn(process.execPath, [path.resolve(__dirname, entry), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      return readyLine(child, ready);
    };
    const [lineA, lineB] = await Promise.all([
      start('../src/main.js', ['--no-worker'], /is ready/),
      start('../src/main.js', ['--no-worker'], /is ready/),
      start('../src/worker.js', [], /worker is ready/),
    ]);
    const a = String(lineA.url);
    const b = String(lineB.url);
    const token = (await gql<{ signIn: { token: string } }>(a, 'mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: ADMIN })).data.signIn.token;
    const productIds: string[] = [];
    for (let i = 0; i < PRODUCTS; i += 1) {
      const created = await gql<{ createProduct: { id: string } }>(
        a,
        'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
        { i: { sku: `BENCH-${i}`, name: `Bench product ${i}`, description: 'A product of the cache benchmark', priceAmount: 1000 + i, currency: 'EUR', stock: 1000 } },
        token,
      );
      productIds.push(created.data.createProduct.id);
    }
    // Warm B's cache once over every product.
    for (const id of productIds) await gql(b, PAGE, { id });

    const hot = productIds.slice(0, HOT);
    const current = new Map(productIds.map((id) => [id, 1000]));
    /** productId → (new stock, when A answered) of every change, in order. */
    const answeredAt = new Map<string, { stock: number; at: number }[]>();
    const reads: Read[] = [];
    const latencies: number[] = [];
    const latenciesFromAnswer: number[] = [];
    const deadline = Date.now() + SECONDS * 1000;

    const reader = async () => {
      while (Date.now() < deadline) {
        const productId = productIds[Math.floor(Math.random() * productIds.length)]!;
        const startedAt = performance.now();
        const response = await gql<{ product: { stock: number } }>(b, PAGE, { id: productId });
        reads.push({ productId, startedAt, stock: response.data.product.stock, hit: response.extensions?.cache === 'hit' });
      }
    };
    const writer = async () => {
      let n = 0;
      while (Date.now() < deadline) {
        const productId = hot[n++ % hot.length]!;
        const sentAt = performance.now();
        const restocked = await gql<{ restockProduct: { stock: number } }>(a, RESTOCK, { id: productId }, token);
        const answered = performance.now();
        const stock = restocked.data.restockProduct.stock;
        current.set(productId, stock);
        answeredAt.set(productId, [...(answeredAt.get(productId) ?? []), { stock, at: answered }]);
        for (;;) {
          const startedAt = performance.now();
          const seen = await gql<{ product: { stock: number } }>(b, PAGE, { id: productId });
          reads.push({ productId, startedAt, stock: seen.data.product.stock, hit: seen.extensions?.cache === 'hit' });
          if (seen.data.product.stock >= stock) {
            latencies.push(performance.now() - sentAt);
            latenciesFromAnswer.push(performance.now() - answered);
            break;
          }
        }
        await sleep(WRITE_INTERVAL_MS);
      }
    };
    const started = performance.now();
    await Promise.all([writer(), ...Array.from({ length: READERS }, reader)]);
    const elapsed = (performance.now() - started) / 1000;

    let stale = 0;
    for (const read of reads) {
      const known = (answeredAt.get(read.productId) ?? []).filter((change) => change.at < read.startedAt);
      const newest = known.at(-1);
      if (newest && read.stock < newest.stock) stale += 1;
    }
    const hits = reads.filter((r) => r.hit).length;
    console.log(`\n=== response cache invalidation (A writes, B reads; ${WITH_REDIS ? 'Redis' : 'process memory + LISTEN/NOTIFY'}) ===`);
    console.log(`duration               ${elapsed.toFixed(1)} s, ${READERS} readers on B, ${PRODUCTS} products, ${HOT} hot`);
    console.log(`changes through A      ${latencies.length}`);
    console.log(`commit -> fresh on B   p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${pct(latencies, 100)} ms (from sending the change)`);
    console.log(`A answered -> fresh    p50 ${pct(latenciesFromAnswer, 50)} ms, p99 ${pct(latenciesFromAnswer, 99)} ms`);
    console.log(`reads on B             ${reads.length} (${(reads.length / elapsed).toFixed(0)} req/s), hit ratio ${((100 * hits) / reads.length).toFixed(1)} %`);
    console.log(`stale reads            ${stale} (reads started after A answered that showed an older stock)`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await dropDatabase();
  }
}

interface Response<T> {
  data: T;
  errors?: unknown[];
  extensions?: { cache?: string };
}

async function gql<T>(url: string, query: string, variables: object, token?: string): Promise<Response<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Response<T>;
  if (body.errors?.length) throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(body.errors)}`);
  return body;
}

const pct = (values: number[], p: number): string => {
  const sorted = [...values].sort((x, y) => x - y);
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(1);
};

function readyLine(child: ChildProcess, pattern: RegExp): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!pattern.test(line)) continue;
        try {
          resolve(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before it was ready`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
