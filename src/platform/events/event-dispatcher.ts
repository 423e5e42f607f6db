import type { Database } from '../database';
import type { JobHandler } from '../jobs/job-task';
import { eventTaskName, type AnySubscription, type EventEnvelope, type HandlerContext } from './event-bus';
import { toCurrentVersion, type EventVersionTable } from './event-versions';

/**
 * Turns subscriptions into job handlers. A payload enqueued by an older release is upgraded to
 * the current version first. A transactional handler runs in one transaction with its
 * "processed" marker (handler, event id): a redelivered event finds the marker and does
 * nothing, and a handler that fails leaves no marker and no half-done work.
 */
export function eventJobHandlers(
  subscriptions: readonly AnySubscription[],
  versions: EventVersionTable<Record<string, unknown>>,
  database: Database,
): Map<string, JobHandler> {
  return new Map(
    subscriptions.map(({ event, handler }): [string, JobHandler] => [
      eventTaskName(handler.name),
      async (jobPayload, job) => {
        const envelope = jobPayload as EventEnvelope;
        const payload = toCurrentVersion(event, envelope.payload, versions[event]!);
        const context: HandlerContext = {
          eventId: envelope.eventId,
          occurredAt: envelope.occurredAt,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          isFinalAttempt: job.isFinalAttempt,
          logger: job.logger.child({ event: envelope.type, eventId: envelope.eventId }),
        };
        if (handler.transactional === false) {
          await handler.handle(payload, context);
          return;
        }
        await database.transaction(async () => {
          const fresh = await database.sql(
            `INSERT INTO processed_events (handler, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
            [handler.name, envelope.eventId],
          );
          if (fresh.length === 0) {
            context.logger.debug('event already processed by this handler');
            return;
          }
          await handler.handle(payload, context);
        });
      },
    ]),
  );
}
