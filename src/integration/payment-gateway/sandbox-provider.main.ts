import { SandboxPaymentProvider } from './sandbox-provider';

/** `npm run sandbox-provider`: the sandbox on its own, e.g. for a worker on another machine. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4010);
  const provider = await SandboxPaymentProvider.start({ port, host: process.env.HOST ?? '127.0.0.1' });
  process.stdout.write(`sandbox payment provider listening at ${provider.url}\n`);
  const stop = () => void provider.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
