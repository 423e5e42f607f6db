import type { Request, Response } from 'express';
import type { Logger } from '../logger';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** A failing non-critical check is reported in the body but keeps the instance ready. */
  critical?: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `/readyz`: every dependency answers within the timeout, each reported on its own by name and
 * status only; why a check failed goes to the log, since a dependency's message can carry hosts,
 * users or versions.
 */
export function readinessHandler(checks: ReadinessCheck[], isShuttingDown: () => boolean, logger?: Logger) {
  return async (_req: Request, res: Response): Promise<void> => {
    const results: Record<string, { ok: boolean; critical: boolean }> = {};
    await Promise.all(
      checks.map(async ({ name, check, critical = true }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          results[name] = { ok: true, critical };
        } catch (error) {
          results[name] = { ok: false, critical };
          logger?.warn({ check: name, critical, err: error }, 'readiness check failed');
        }
      }),
    );
    const shuttingDown = isShuttingDown();
    const ok = !shuttingDown && Object.values(results).every((r) => r.ok || !r.critical);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : shuttingDown ? 'shutting-down' : 'not-ready', checks: results });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
