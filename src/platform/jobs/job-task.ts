import type { Task } from 'graphile-worker';
import type { Logger } from '../logger';
import { contextFromCarrier, inSpan, SpanKind, type TraceCarrier } from '../tracing';
import { RetryLaterError } from './retry-later';

export interface RunningJob {
  id: string;
  task: string;
  attempt: number;
  maxAttempts: number;
  /** A failure now leaves the job dead-lettered. */
  isFinalAttempt: boolean;
  logger: Logger;
}

export type JobHandler = (payload: unknown, job: RunningJob) => Promise<void>;

/**
 * A handler as a graphile-worker task: runs it in a consumer span continuing the enqueuer's
 * trace, tells it which attempt it is on, and turns a RetryLaterError into a rescheduled copy
 * that spends no attempt.
 */
export function jobTask(name: string, handler: JobHandler, log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { job } = helpers;
    const { _trace, ...payload } = (rawPayload ?? {}) as { _trace?: TraceCarrier };
    try {
      await inSpan(
        `job ${name}`,
        { kind: SpanKind.CONSUMER, parent: contextFromCarrier(_trace), attributes: { 'job.id': job.id, 'job.attempt': job.attempts } },
        () =>
          handler(payload, {
            id: job.id,
            task: name,
            attempt: job.attempts,
            maxAttempts: job.max_attempts,
            isFinalAttempt: job.attempts >= job.max_attempts,
            logger: log.child({ jobId: job.id, task: name, attempt: job.attempts }),
          }),
      );
    } catch (error) {
      if (!(error instanceof RetryLaterError)) throw error;
      // graphile-worker counts every failure as an attempt. This one did not really try, so the
      // job completes and a copy is scheduled with the attempts it had left, this one included.
      const runAt = new Date(Date.now() + error.delayMs);
      const queueName =
        job.job_queue_id === null
          ? undefined
          : (await helpers.query<{ queue_name: string }>('SELECT queue_name FROM graphile_worker._private_job_queues WHERE id = $1', [job.job_queue_id]))
              .rows[0]?.queue_name;
      await helpers.addJob(name, rawPayload, {
        runAt,
        maxAttempts: job.max_attempts - job.attempts + 1,
        queueName,
        priority: job.priority,
      });
      log.warn({ jobId: job.id, task: name, runAt, reason: error.message }, 'job rescheduled without spending an attempt');
    }
  };
}
