import type { Database } from '../../../platform/database';
import type { EventHandler } from '../../../platform/events';
import type { OrderPlaced } from '../../orders';

/**
 * Appends OrderPlaced to analytics_events, the seam a warehouse export reads. The table is
 * append-only (a trigger refuses UPDATE and DELETE) and keyed by event id, so redelivery adds nothing.
 */
export function recordOrderPlaced(database: Database): EventHandler<OrderPlaced> {
  return {
    name: 'analytics.record-order-placed',
    handle: async (event, context) => {
      await database.sql(
        `INSERT INTO analytics_events (event_id, type, occurred_at, payload) VALUES ($1, 'OrderPlaced', $2, $3::jsonb)
         ON CONFLICT (event_id) DO NOTHING`,
        [context.eventId, context.occurredAt, JSON.stringify(event)],
      );
    },
  };
}
