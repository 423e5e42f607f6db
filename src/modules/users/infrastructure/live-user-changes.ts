import type { LiveChannels } from '../../../platform/pubsub';
import type { AccountStateCache, UserChanges } from '../application/account-states';
import type { UserLiveTopics } from '../domain/user.live';

const ALL = ['all'] as const;

/**
 * User changes over the live channels (Redis pub/sub across instances, or in-process): each
 * instance drops its cached account state and tells its listeners (open WebSockets, caches of
 * viewer-scoped data). The publishing instance does so at once, before the round trip.
 */
export class LiveUserChanges implements UserChanges {
  private readonly listeners = new Set<(userId: string) => void>();
  private feed: AsyncIterableIterator<UserLiveTopics['USER_CHANGED']> | undefined;

  constructor(
    private readonly live: LiveChannels<UserLiveTopics> | undefined,
    private readonly accounts: AccountStateCache,
    private readonly onPublishError: (error: unknown) => void,
  ) {}

  /** Subscribes to the other instances' changes; resolves once subscribed. */
  async start(): Promise<void> {
    if (!this.live || this.feed) return;
    this.feed = await this.live.subscribe('USER_CHANGED', ALL);
    const feed = this.feed;
    void (async () => {
      for await (const { userId } of feed) this.changed(userId);
    })();
  }

  async stop(): Promise<void> {
    await this.feed?.return?.();
  }

  /** Called with the user id after every change, on every instance. */
  onChange(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(userId: string): Promise<void> {
    this.changed(userId);
    try {
      await this.live?.publish('USER_CHANGED', ALL, { userId });
    } catch (error) {
      // The change is committed; other instances see it when their cached entry expires.
      this.onPublishError(error);
    }
  }

  private changed(userId: string): void {
    this.accounts.invalidate(userId);
    for (const listener of this.listeners) listener(userId);
  }
}
