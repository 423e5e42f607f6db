import type { Role } from '../domain/user';

/** What every request checks a token against: the source of truth, not the token's claims. */
export interface AccountState {
  role: Role;
  /** A token carrying an older version was revoked (sign-out, password change). */
  tokenVersion: number;
}

export interface AccountStateSettings {
  /** Bounds how long a change made behind the application's back (plain SQL) can go unseen. */
  ttlMs: number;
  maxEntries: number;
}

/**
 * The account state of each user, read once from the database and then served from memory, so a
 * warm request spends no SQL statement on authentication. Every change the application makes
 * invalidates the entry on every instance (see UserChanges); the TTL is only a safety net.
 * Unknown (deleted) users are cached too, as null.
 */
export class AccountStateCache {
  private readonly entries = new Map<string, { state: Promise<AccountState | null>; expiresAt: number }>();
  /** Bumped by every invalidation: a load that started before one must not be stored. */
  private epoch = 0;

  constructor(
    private readonly load: (userId: string) => Promise<AccountState | null>,
    private readonly settings: AccountStateSettings,
  ) {}

  get(userId: string): Promise<AccountState | null> {
    const now = Date.now();
    const cached = this.entries.get(userId);
    if (cached && cached.expiresAt > now) return cached.state;
    this.entries.delete(userId);
    const startedAt = this.epoch;
    const state = this.load(userId);
    // Concurrent requests of one user share the load; a failed load is never cached.
    this.store(userId, state, now);
    state.then(
      () => {
        if (this.epoch !== startedAt && this.entries.get(userId)?.state === state) this.entries.delete(userId);
      },
      () => {
        if (this.entries.get(userId)?.state === state) this.entries.delete(userId);
      },
    );
    return state;
  }

  invalidate(userId: string): void {
    this.epoch += 1;
    this.entries.delete(userId);
  }

  private store(userId: string, state: Promise<AccountState | null>, now: number): void {
    if (this.entries.size >= this.settings.maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(userId, { state, expiresAt: now + this.settings.ttlMs });
  }
}

/** Tells every instance that a user's account changed (role, token version, existence). */
export interface UserChanges {
  /** Invalidates this instance at once, then the others (Redis pub/sub, or in-process). */
  publish(userId: string): Promise<void>;
}
