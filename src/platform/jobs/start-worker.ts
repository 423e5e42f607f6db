import type { JobWorker, JobWorkerOptions } from './worker';

/**
 * Starts a job worker. graphile-worker is loaded here, on the first start: an API process
 * (`--no-worker`) never runs jobs, so it never holds graphile-worker's heap.
 */
export function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JobWorker: Worker } = require('./worker') as typeof import('./worker');
  return Worker.start(options);
}
