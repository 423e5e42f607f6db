/** Analytics: an append-only record of business events for reporting. */
import type { Database } from '../../platform/database';
import type { EventHandler } from '../../platform/events';
import type { OrderPlaced } from '../orders';
import { recordOrderPlaced } from './infrastructure/record-order-placed.handler';

export interface AnalyticsModule {
  eventHandlers: { recordOrderPlaced: EventHandler<OrderPlaced> };
}

export function createAnalyticsModule(deps: { database: Database }): AnalyticsModule {
  return { eventHandlers: { recordOrderPlaced: recordOrderPlaced(deps.database) } };
}
