import { createLogger } from '../../src/platform/logger';
import type { RunningJob } from '../../src/platform/jobs';

/** The job context a handler gets on its first of five attempts, for tests that call a handler directly. */
export const runningJob = (task: string): RunningJob => ({
  id: '0',
  task,
  attempt: 1,
  maxAttempts: 5,
  isFinalAttempt: false,
  logger: createLogger({ level: 'silent' }),
});
