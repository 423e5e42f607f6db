/** Analytics: an append-only record of business events for reporting. */
import type { Database } from '../../platform/database';
import type { AnyEventHandler } from '../../platform/events';
import { recordOrderPlaced } from './infrastructure/record-order-placed.handler';

export function createAnalyticsModule(deps: { database: Database }): { eventHandlers: AnyEventHandler[] } {
  return { eventHandlers: [recordOrderPlaced(deps.database)] };
}
