import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProductsDocument } from '../generated/graphql';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { GraphQLTestClient } from '../support/graphql-client';
import { startService } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface OtlpSpan {
  name: string;
  traceId: string;
}

/**
 * The production tracing path: with OTEL_EXPORTER_OTLP_ENDPOINT set, the API process starts the
 * OpenTelemetry SDK and exports OTLP/HTTP (JSON) to a collector; here, a receiver on loopback.
 */
describe('tracing export over OTLP', () => {
  let database: TestDatabase;
  let provider: SandboxPaymentProvider;
  let collector: Server;
  const spans: OtlpSpan[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await SandboxPaymentProvider.start();
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
          };
          for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
    await provider.stop();
    await database.drop();
  });

  it('when the API serves a query, then the request, GraphQL and SQL spans reach the collector in one trace', async () => {
    const { port } = collector.address() as AddressInfo;
    const api = startService(
      'api',
      {
        DATABASE_URL: database.url,
        PAYMENT_PROVIDER_URL: provider.url,
        HOST: '127.0.0.1',
        PORT: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: 'storefront-test',
      },
      ['--no-worker'],
    );
    const url = String((await api.waitForLog(/is ready/)).url);
    const result = await new GraphQLTestClient(url).request(ProductsDocument, { first: 3 });
    expect(result.errors).toBeUndefined();

    // Shutdown flushes the batch of spans.
    api.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);

    const ours = spans.find((s) => s.name === 'graphql query Products');
    expect(ours).toBeDefined();
    const sameTrace = spans.filter((s) => s.traceId === ours!.traceId).map((s) => s.name);
    expect(sameTrace).toEqual(expect.arrayContaining([expect.stringMatching(/^POST/), expect.stringMatching(/^pg\.query/)]));
    expect(sameTrace.some((name) => name.startsWith('graphql.'))).toBe(true);
    console.log(`spans exported for one products query:\n  ${sameTrace.join('\n  ')}`);
  }, 60_000);
});
