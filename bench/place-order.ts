/**
 * placeOrder benchmark (npm run bench:orders). Starts the API and a job worker in this process,
 * as test/support/test-app.ts does, on a database of its own with the sandbox payment provider
 * on loopback. Phase 1 keeps BENCH_CONCURRENCY placeOrder requests in flight for BENCH_SECONDS,
 * 50 customers ordering 1 unit of one hot product each time. Phase 2 waits for those orders to
 * be PAID and reads placeOrder→PAID from the orders table, then measures 20 orders one at a time
 * on the idle system. It prints numbers and asserts nothing.
 *
 *   BENCH_SECONDS (10)  BENCH_CONCURRENCY (20)
 *   BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres)
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createEmailSender, createPaymentGateway, createRuntime, type Runtime } from '../src/composition';
import { SandboxPaymentProvider } from '../src/integration/payment-gateway/sandbox-provider';
import { loadConfig } from '../src/platform/config';
import { createLogger } from '../src/platform/logger';
import { createScratchDatabase } from './scratch-database';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const CUSTOMERS = 50;
const UNLOADED_SAMPLES = 20;
const PAID_WAIT_MS = 60_000;
const PASSWORD = 'bench password that is long enough';

const PLACE_ORDER = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id stock } }';

interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface Customer {
  id: string;
  token: string;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
}

async function mustPost<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const result = await post<T>(url, query, variables, token);
  if (!result.data || result.errors) throw new Error(`GraphQL call failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

function placeOrder(url: string, customer: Customer, productId: string) {
  const input = { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() };
  return post<{ placeOrder: { id: string; status: string } }>(url, PLACE_ORDER, { input }, customer.token);
}

/** Nearest-rank percentile of an ascending array. */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const spread = (sorted: readonly number[], ps: readonly number[]): string =>
  ps.map((p) => `p${p} ${ms(percentile(sorted, p))}`).join('  ');
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

async function main(): Promise<void> {
  const { name: dbName, url: dbUrl, drop: dropDatabase } = await createScratchDatabase('sg_bench');
  const sql = new Client({ connectionString: dbUrl });
  let provider: SandboxPaymentProvider | undefined;
  let email: ReturnType<typeof createEmailSender> | undefined;
  let runtime: Runtime | undefined;
  try {
    await sql.connect();
    provider = await SandboxPaymentProvider.start();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '20',
      WORKER_CONCURRENCY: '10',
      PAYMENT_PROVIDER_URL: provider.url,
      // Every call comes from 127.0.0.1: lift the per-IP sign-up limit and the cost budgets.
      SIGN_UPS_PER_HOUR: '100000',
      QUERY_COST_BUDGET_PER_MINUTE: '100000000',
      ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '100000000',
    });
    const logger = createLogger({ level: config.logLevel, name: 'bench' });
    const gateway = createPaymentGateway(config, logger, provider.url);
    email = createEmailSender(config, logger);
    runtime = await createRuntime({ config, logger, databaseUrl: dbUrl, adapters: { gateway, email } });
    const api = await runtime.startApi();
    const url = await api.listen(0, '127.0.0.1');
    await runtime.startWorker();

    const [{ version }] = (await sql.query<{ version: string }>(`SELECT current_setting('server_version') AS version`)).rows;
    console.log('=== placeOrder benchmark ===');
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, PostgreSQL ${version}, database ${dbName}`);
    console.log(`concurrency ${CONCURRENCY}, ${SECONDS} s, pool 20, worker concurrency 10`);

    // Arrange: an admin, one hot product, 50 customers.
    const arranged = performance.now();
    const users = runtime.application.modules.users.service;
    const adminEmail = `admin-${randomUUID().slice(0, 8)}@bench.local`;
    await users.ensureAdmin({ email: adminEmail, password: PASSWORD, name: 'Bench admin' });
    const { token: adminToken } = await users.signIn({ email: adminEmail, password: PASSWORD }, '127.0.0.1');
    const sku = `HOT-${randomUUID().slice(0, 8)}`;
    const productInput = { sku, name: 'Hot product', description: 'Ordered by the benchmark', priceAmount: 1999, currency: 'EUR', stock: 1_000_000 };
    const { createProduct: hot } = await mustPost<{ createProduct: { id: string } }>(url, CREATE_PRODUCT, { input: productInput }, adminToken);
    const customers: Customer[] = [];
    for (let i = 0; i < CUSTOMERS; i += 10) {
      const batch = Array.from({ length: 10 }, async (_, j): Promise<Customer> => {
        const input = { email: `customer-${i + j}-${randomUUID().slice(0, 8)}@bench.local`, name: `Customer ${i + j}`, password: PASSWORD };
        const { signUp } = await mustPost<{ signUp: { token: string; user: { id: string } } }>(url, SIGN_UP, { input });
        return { id: signUp.user.id, token: signUp.token };
      });
      customers.push(...(await Promise.all(batch)));
    }
    console.log(`arranged admin, hot product (stock 1,000,000), ${CUSTOMERS} customers in ${ms(performance.now() - arranged)}`);

    // Phase 1: CONCURRENCY requests in flight for SECONDS.
    const latencies: number[] = [];
    const orderIds: string[] = [];
    const errors = new Map<string, number>();
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const customer = customers[Math.floor(Math.random() * customers.length)]!;
          const sent = performance.now();
          let code: string | undefined;
          try {
            const result = await placeOrder(url, customer, hot.id);
            if (result.data?.placeOrder && !result.errors) orderIds.push(result.data.placeOrder.id);
            else code = result.errors?.[0]?.extensions?.code ?? 'NO_DATA';
          } catch (error) {
            code = error instanceof Error ? error.name : 'FETCH_FAILED';
          }
          latencies.push(performance.now() - sent);
          if (code) errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    const errorText = errorCount === 0 ? '0' : `${errorCount} (${[...errors].map(([c, n]) => `${c} ×${n}`).join(', ')})`;
    const throughput = orderIds.length / elapsed;
    console.log('\n--- phase 1: throughput ---');
    console.log(`requests     ${latencies.length} in ${elapsed.toFixed(1)} s, ${orderIds.length} orders placed, errors ${errorText}`);
    console.log(`throughput   ${throughput.toFixed(1)} orders/s`);
    console.log(`latency      ${spread(latencies, [50, 95, 99])}  max ${ms(latencies.at(-1) ?? NaN)}`);

    // Phase 2: every phase-1 order PAID; time to PAID from the orders table.
    const waitStarted = performance.now();
    let paid = 0;
    while (performance.now() - waitStarted < PAID_WAIT_MS) {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status = 'PAID' AND id = ANY($1::uuid[])`, [orderIds]);
      paid = rows[0]!.n;
      if (paid === orderIds.length) break;
      await sleep(100);
    }
    const drainedAfter = (performance.now() - waitStarted) / 1000;
    const { rows: durations } = await sql.query<{ ms: number }>(
      `SELECT (extract(epoch FROM updated_at - created_at) * 1000)::float8 AS ms
         FROM orders WHERE status = 'PAID' AND id = ANY($1::uuid[]) ORDER BY 1`,
      [orderIds],
    );
    const toPaid = durations.map((r) => r.ms);
    const { rows: statuses } = await sql.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status`,
      [orderIds],
    );
    const { rows: stockRows } = await sql.query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [hot.id]);
    const captures = provider.charges.filter((c) => c.kind === 'capture').length;
    console.log('\n--- phase 2: time to PAID ---');
    console.log(`PAID         ${paid}/${orderIds.length} orders, ${drainedAfter.toFixed(1)} s after phase 1 ended (${statuses.map((s) => `${s.status} ${s.n}`).join(', ')})`);
    console.log(`under load   ${spread(toPaid, [50, 95, 99])}  max ${ms(toPaid.at(-1) ?? NaN)}  (orders.updated_at - created_at)`);
    console.log(`consistency  ${captures} captures at the provider; hot product stock ${stockRows[0]!.stock} (1,000,000 - ${orderIds.length} = ${1_000_000 - orderIds.length})`);

    // Unloaded: one order at a time once the queue is empty, wall clock placeOrder → PAID.
    const idleSince = performance.now();
    while (performance.now() - idleSince < PAID_WAIT_MS) {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE attempts < max_attempts`);
      if (rows[0]!.n === 0) break;
      await sleep(100);
    }
    const unloaded: number[] = [];
    for (let i = 0; i < UNLOADED_SAMPLES; i += 1) {
      const sent = performance.now();
      const result = await placeOrder(url, customers[i % customers.length]!, hot.id);
      const id = result.data?.placeOrder.id;
      if (!id) throw new Error(`unloaded placeOrder failed: ${JSON.stringify(result.errors)}`);
      for (;;) {
        const { rows } = await sql.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]);
        if (rows[0]?.status === 'PAID') break;
        if (performance.now() - sent > 10_000) throw new Error(`order ${id} not PAID after 10 s`);
        await sleep(10);
      }
      unloaded.push(performance.now() - sent);
    }
    unloaded.sort((a, b) => a - b);
    console.log(`unloaded     ${spread(unloaded, [50, 99])}  (${UNLOADED_SAMPLES} sequential orders, wall clock placeOrder → PAID, polled every 10 ms)`);

    console.log('\n=== summary ===');
    console.log(`placeOrder throughput   ${throughput.toFixed(1)} orders/s (${CONCURRENCY} in flight, ${SECONDS} s, errors ${errorCount})`);
    console.log(`placeOrder latency      ${spread(latencies, [50, 95, 99])}`);
    console.log(`time to PAID, loaded    ${spread(toPaid, [50, 95, 99])}  max ${ms(toPaid.at(-1) ?? NaN)}`);
    console.log(`time to PAID, unloaded  ${spread(unloaded, [50, 99])}`);
    console.log(`backlog drained         ${drainedAfter.toFixed(1)} s after the load stopped (${paid}/${orderIds.length} PAID)`);
  } finally {
    // Each step on its own, so the database is dropped even when an earlier step fails.
    const report = (what: string) => (error: unknown) => console.error(`${what} failed:`, error);
    await runtime?.close().catch(report('closing the runtime'));
    email?.close();
    await provider?.stop().catch(report('stopping the sandbox provider'));
    await sql.end().catch(report('closing the SQL client'));
    await dropDatabase();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
