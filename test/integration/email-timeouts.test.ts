import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { NodemailerEmailSender } from '../../src/integration/email/nodemailer-email-sender';
import { createLogger } from '../../src/platform/logger';

// A mail server that accepts the connection and never says hello: the greeting timeout must end the send.
let silentServer: Server;
const sockets = new Set<Socket>();
let url: string;
beforeAll(async () => {
  silentServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${(silentServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silentServer.close(() => resolve()));
});

// The test's own 20 s limit is what makes it fail when the configured timeouts are ignored:
// nodemailer's defaults are 30 s (greeting) and 10 min (idle socket), the configured ones 300 ms.
// They run side by side (the greeting wait is also cut short by what is left of the connection
// timeout), so on a busy machine any of the three may fire first; CI on Node 24 once saw another
// than the greeting's. Each is one we configured, and nodemailer names it in `timeoutType`.
it('when the SMTP server never greets, then sending fails with a configured timeout (greeting, connection or idle socket)', async () => {
  const email = new NodemailerEmailSender({ smtpUrl: url, from: 'shop@example.com', timeoutMs: 300, logger: createLogger({ level: 'silent' }) });
  try {
    await expect(email.send({ to: 'customer@example.com', subject: 'Hello', text: 'Hi' })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/^(Greeting never received|Connection timeout|Timeout)$/),
      timeoutType: expect.stringMatching(/^(GREETING|CONNECT|SOCKET)_TIMEOUT$/),
    });
  } finally {
    email.close();
  }
}, 20_000);
