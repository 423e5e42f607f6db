import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the sandbox answers. `healthy` charges; `decline` answers 402; `fail` answers 503; `slow`
 * waits `delayMs` and then charges (even if the caller gave up: that is what real providers do).
 * With `times`, the behaviour lasts that many calls and then turns healthy.
 */
export interface SandboxBehaviour {
  mode: 'healthy' | 'decline' | 'fail' | 'slow';
  delayMs?: number;
  times?: number;
}

export interface SandboxCharge {
  kind: 'capture' | 'refund';
  id: string;
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  at: string;
}

interface StoredResponse {
  status: number;
  body: unknown;
  requestBody: string;
}

/**
 * A small payment provider for development and tests: the real HTTP adapter talks to it. It
 * honours Idempotency-Key like real providers do: a repeated key replays the first answer, a key
 * still being processed answers 409, a key reused with another body answers 422.
 */
export class SandboxPaymentProvider {
  private behaviour: SandboxBehaviour = { mode: 'healthy' };
  private readonly byKey = new Map<string, StoredResponse | 'in-progress'>();
  readonly charges: SandboxCharge[] = [];
  /** Every request that reached the provider, replays and failures included. */
  calls = 0;
  private inFlight = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: { port?: number; host?: string } = {}): Promise<SandboxPaymentProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
    const { address, port } = server.address() as AddressInfo;
    const provider = new SandboxPaymentProvider(server, `http://${address}:${port}`);
    server.on('request', (req, res) => {
      provider.handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
    });
    return provider;
  }

  setBehaviour(behaviour: SandboxBehaviour): void {
    this.behaviour = { ...behaviour };
  }

  /** Requests currently being answered (e.g. held by `slow`). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  capturesFor(orderId: string): SandboxCharge[] {
    return this.charges.filter((c) => c.kind === 'capture' && c.orderId === orderId);
  }

  refundsFor(orderId: string): SandboxCharge[] {
    return this.charges.filter((c) => c.kind === 'refund' && c.orderId === orderId);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method === 'GET' && req.url === '/v1/charges') return send(res, 200, { calls: this.calls, charges: this.charges });
    if (req.method === 'GET' && req.url?.startsWith('/v1/captures?')) {
      const orderId = new URL(req.url, 'http://sandbox').searchParams.get('orderId');
      return send(res, 200, { data: this.charges.filter((c) => c.kind === 'capture' && c.orderId === orderId) });
    }
    if (req.method === 'POST' && req.url === '/sandbox/behaviour') {
      this.setBehaviour(JSON.parse(raw) as SandboxBehaviour);
      return send(res, 200, this.behaviour);
    }
    const kind = req.method === 'POST' && req.url === '/v1/captures' ? 'capture' : req.method === 'POST' && req.url === '/v1/refunds' ? 'refund' : null;
    if (!kind) return send(res, 404, { error: 'not_found' });

    this.calls += 1;
    this.inFlight += 1;
    try {
      await this.answer(kind, req, res, raw);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async answer(kind: 'capture' | 'refund', req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0) return send(res, 400, { error: 'idempotency_key_required' });
    const previous = this.byKey.get(key);
    if (previous === 'in-progress') return send(res, 409, { error: 'request_in_progress' });
    if (previous) {
      if (previous.requestBody !== raw) return send(res, 422, { error: 'idempotency_key_reused' });
      res.setHeader('idempotent-replayed', 'true');
      return send(res, previous.status, previous.body);
    }

    const behaviour = this.consumeBehaviour();
    if (behaviour.mode === 'fail') return send(res, 503, { error: 'provider_unavailable' });
    this.byKey.set(key, 'in-progress');
    try {
      if (behaviour.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs ?? 5_000));
      const body = JSON.parse(raw) as { orderId: string; amount: number; currency: string };
      const stored: StoredResponse =
        behaviour.mode === 'decline'
          ? { status: 402, body: { error: 'card_declined' }, requestBody: raw }
          : { status: 201, body: { id: `${kind}_${randomUUID()}`, status: 'succeeded' }, requestBody: raw };
      if (stored.status === 201) {
        this.charges.push({
          kind,
          id: (stored.body as { id: string }).id,
          idempotencyKey: key,
          orderId: body.orderId,
          amount: body.amount,
          currency: body.currency,
          at: new Date().toISOString(),
        });
      }
      this.byKey.set(key, stored);
      if (!res.destroyed) send(res, stored.status, stored.body);
    } catch (error) {
      this.byKey.delete(key);
      throw error;
    }
  }

  private consumeBehaviour(): SandboxBehaviour {
    const current = this.behaviour;
    if (current.times !== undefined) {
      const left = current.times - 1;
      this.behaviour = left > 0 ? { ...current, times: left } : { mode: 'healthy' };
    }
    return current;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
