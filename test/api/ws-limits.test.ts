import { randomUUID } from 'node:crypto';
import { sampled } from '../support/prometheus';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { LiveClients } from '../support/ws-client';

/**
 * WebSocket caps: sockets per client IP and per instance are refused with close code 1013 (try
 * again later), a subscribe beyond the per-socket cap gets RATE_LIMITED, and an anonymous socket
 * that runs nothing is closed when its idle time is up. Each is counted in the metrics.
 */
const STOCK = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId } }';
const clients = new LiveClients();
let test: TestApp;

beforeAll(async () => {
  test = await startTestApp({
    env: {
      TRUST_PROXY: 'loopback',
      WS_MAX_CONNECTIONS_PER_IP: '2',
      WS_MAX_CONNECTIONS: '3',
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
      WS_ANONYMOUS_IDLE_TIMEOUT_MS: '1000',
    },
  });
});
afterAll(async () => {
  await clients.disposeAll();
  await test.stop();
});

const connectFrom = (ip: string) => clients.connect(test.url, undefined, { headers: { 'x-forwarded-for': ip } });
const rejections = (limit: string) => sampled(test.app, 'rate_limit_rejections_total', { limit });
// A socket the server closed counts until its close handshake ends; `ws` waits up to 30 s for a
// client that is slow to answer (a loaded machine), so the wait allows for that.
const openSockets = (n: number) =>
  eventually(() => sampled(test.app, 'websocket_connections'), (count) => count === n, { what: `${n} open sockets`, timeoutMs: 35_000 });
const closeAll = async () => {
  await clients.disposeAll();
  await openSockets(0);
};

describe('WebSocket caps', () => {
  afterEach(closeAll);

  it('when one IP opens more sockets than allowed, then the extra one is closed with 1013 and counted', async () => {
    const subscribed = [connectFrom('203.0.113.1'), connectFrom('203.0.113.1')].map((c) => c.subscribe(STOCK, { ids: [randomUUID()] }));
    await eventually(async () => test.api.ws.subscriptionCount, (n) => n === subscribed.length, { what: 'both subscriptions' });

    const third = connectFrom('203.0.113.1');

    expect((await third.closed).code).toBe(1013);
    expect(await rejections('ws-connections-per-ip')).toBe(1);
    // Another address is still welcome.
    connectFrom('203.0.113.2').subscribe(STOCK, { ids: [randomUUID()] });
    await openSockets(3);
  });

  it('when the instance holds its maximum of sockets, then the next one, from any IP, is closed with 1013', async () => {
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) connectFrom(ip).subscribe(STOCK, { ids: [randomUUID()] });
    await openSockets(3);

    const fourth = connectFrom('198.51.100.4');

    expect((await fourth.closed).code).toBe(1013);
    expect(await rejections('ws-connections')).toBe(1);
  });

  it('when a socket subscribes more than its cap, then that subscribe is RATE_LIMITED and the others keep running', async () => {
    const socket = connectFrom('192.0.2.1');
    const first = socket.subscribe(STOCK, { ids: [randomUUID()] });
    const second = socket.subscribe(STOCK, { ids: [randomUUID()] });
    await eventually(async () => test.api.ws.subscriptionCount, (n) => n === 2, { what: 'two subscriptions' });

    const third = socket.subscribe(STOCK, { ids: [randomUUID()] });

    await eventually(async () => third.errors, (e) => e !== undefined, { what: 'the third subscribe refused' });
    expect(third.errors!.map((e) => e.extensions.code)).toEqual(['RATE_LIMITED']);
    expect([first.errors, second.errors]).toEqual([undefined, undefined]);
    expect(test.api.ws.subscriptionCount).toBe(2);
    expect(await rejections('ws-subscriptions-per-socket')).toBe(1);
  });

  it('when an anonymous socket runs nothing for its idle time, then it is closed; one with a subscription stays', async () => {
    const idle = connectFrom('192.0.2.10');
    const busy = connectFrom('192.0.2.11');
    busy.subscribe(STOCK, { ids: [randomUUID()] });
    await openSockets(2);

    expect((await idle.closed).code).toBe(1000);
    expect(await rejections('ws-anonymous-idle')).toBeGreaterThanOrEqual(1);
    await openSockets(1);
    expect(test.api.ws.subscriptionCount).toBe(1);
  });
});
