import { AccountsAndCatalog1764300000000 } from './1764300000000-accounts-and-catalog';

/** Every migration, oldest first. Listed explicitly so the same list works from TS and compiled JS. */
export const migrations = [AccountsAndCatalog1764300000000];
