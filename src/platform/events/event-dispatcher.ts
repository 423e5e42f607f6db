import type { Database } from '../database';
import type { JobHandler } from '../jobs/worker';
import { eventTaskName, type AnyEventHandler, type EventEnvelope, type HandlerContext } from './event-bus';

/**
 * Turns event handlers into job handlers. A transactional handler runs in one transaction with
 * its "processed" marker (handler, event id): a redelivered event finds the marker and does
 * nothing, and a handler that fails leaves no marker and no half-done work.
 */
export function eventJobHandlers(handlers: readonly AnyEventHandler[], database: Database): Map<string, JobHandler> {
  return new Map(
    handlers.map((handler): [string, JobHandler] => [
      eventTaskName(handler.name),
      async (payload, job) => {
        const envelope = payload as EventEnvelope;
        const context: HandlerContext = {
          eventId: envelope.eventId,
          occurredAt: envelope.occurredAt,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          isFinalAttempt: job.isFinalAttempt,
          logger: job.logger.child({ event: envelope.type, eventId: envelope.eventId }),
        };
        if (handler.transactional === false) {
          await handler.handle(envelope.payload, context);
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
          await handler.handle(envelope.payload, context);
        });
      },
    ]),
  );
}
