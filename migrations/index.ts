import { AccountsAndCatalog1764300000000 } from './1764300000000-accounts-and-catalog';
import { OrdersPaymentsNotifications1764400000000 } from './1764400000000-orders-payments-notifications';
import { TokenVersions1764510000000 } from './1764510000000-token-versions';
import { JobOutbox1764600000000 } from './1764600000000-job-outbox';
import { StockUpdatesStayHot1764700000000 } from './1764700000000-stock-updates-stay-hot';

/** Every migration, oldest first. Listed explicitly so the same list works from TS and compiled JS. */
export const migrations = [AccountsAndCatalog1764300000000, OrdersPaymentsNotifications1764400000000, TokenVersions1764510000000, JobOutbox1764600000000, StockUpdatesStayHot1764700000000];
