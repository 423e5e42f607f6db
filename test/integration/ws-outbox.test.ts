import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { SocketOutbox } from '../../src/platform/graphql/ws-outbox';
import { eventually } from '../support/wait';

describe('a socket outbox (per-socket back-pressure for live updates)', () => {
  let server: WebSocketServer;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when a client stops reading, then the server buffers a bounded amount, drops the oldest waiting messages and delivers the rest in order', async () => {
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await once(client, 'open');
    const [socket] = await accepted;
    // The client's TCP socket stops reading: the kernel buffers fill, then the server's.
    const clientTcp = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    clientTcp.pause();
    let dropped = 0;
    const maxBufferedBytes = 64 * 1024;
    const outbox = new SocketOutbox(socket, { maxBufferedBytes, maxQueuedMessages: 100, retryMs: 5 }, () => (dropped += 1));
    const total = 20_000;
    const padding = 'x'.repeat(1_000);
    let largestBuffer = 0;
    for (let i = 0; i < total; i += 1) {
      outbox.send('1', JSON.stringify({ i, padding }));
      largestBuffer = Math.max(largestBuffer, socket.bufferedAmount);
    }

    expect(dropped).toBeGreaterThan(0);
    // Past the limit nothing more is handed to the socket; at most the message that crossed it.
    expect(largestBuffer).toBeLessThanOrEqual(maxBufferedBytes + 1_100);

    const received: number[] = [];
    client.on('message', (data) => received.push((JSON.parse(String(data)) as { i: number }).i));
    clientTcp.resume();
    await eventually(async () => received.length, (n) => n === total - dropped, { what: 'every kept message delivered', timeoutMs: 30_000 });
    expect(received.at(-1)).toBe(total - 1);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    outbox.close();
    client.close();
  });
});
