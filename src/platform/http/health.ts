import type { Request, Response } from 'express';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** A failing non-critical check is reported in the body but keeps the instance ready. */
  critical?: boolean;
}

/**
 * Each check's own limit. Checks run side by side, so a probe answers within this plus a little
 * whatever hangs; a kubelet probe typically gives up after 1 s.
 */
export const CHECK_TIMEOUT_MS = 500;

/** `/readyz`: every dependency answers within the timeout, each reported on its own. */
export function readinessHandler(checks: ReadinessCheck[], isShuttingDown: () => boolean) {
  return async (_req: Request, res: Response): Promise<void> => {
    const results: Record<string, { ok: boolean; critical: boolean; error?: string }> = {};
    await Promise.all(
      checks.map(async ({ name, check, critical = true }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          results[name] = { ok: true, critical };
        } catch (error) {
          results[name] = { ok: false, critical, error: error instanceof Error ? error.message : String(error) };
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
