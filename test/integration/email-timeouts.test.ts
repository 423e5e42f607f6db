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

// The test's own 20 s limit is what makes it fail when the configured timeout is ignored:
// nodemailer's default greeting timeout is 30 s, the configured one 300 ms.
it('when the SMTP server never greets, then sending fails with the configured greeting timeout', async () => {
  const email = new NodemailerEmailSender({ smtpUrl: url, from: 'shop@example.com', timeoutMs: 300, logger: createLogger({ level: 'silent' }) });
  try {
    await expect(email.send({ to: 'customer@example.com', subject: 'Hello', text: 'Hi' })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/greeting/i),
    });
  } finally {
    email.close();
  }
}, 20_000);
