import type { ExecutionResult } from 'graphql';
import type { Logger } from '../logger';
import type { SocketOutbox } from './ws-outbox';

/** Where a subscription's events go: its socket's outbox under its operation id. */
export interface Delivery {
  outbox: SocketOutbox;
  /** The start of every `next` message of this operation: `{"id":…,"type":"next","payload":`. */
  prefix: string;
  operationId: string;
}

/**
 * The subscribers that share one (operation, variables, viewer scope): one event source, one
 * execution and one serialization per event, then the same JSON to each member's socket, as a
 * plain pub/sub relay would. A member leaves when its client completes or its socket closes;
 * the last one to leave closes the source.
 */
export class FanOutGroup {
  private readonly members = new Map<Delivery, () => void>();
  private closed = false;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly serialize: (event: unknown) => Promise<string>,
    private readonly onClosed: () => void,
    private readonly log: Logger,
  ) {
    void this.pump();
  }

  get size(): number {
    return this.members.size;
  }

  /**
   * Adds a subscriber. What graphql-ws gets back yields nothing (the group writes the `next`
   * messages) and finishes when the source does, so graphql-ws then sends `complete`; its
   * `return()` (client `complete`, socket closed) takes the member out.
   */
  join(delivery: Delivery): AsyncIterableIterator<ExecutionResult> | undefined {
    if (this.closed) return undefined;
    let finish!: (result: IteratorResult<ExecutionResult>) => void;
    const ended = new Promise<IteratorResult<ExecutionResult>>((resolve) => (finish = resolve));
    const done = { value: undefined, done: true } as const;
    this.members.set(delivery, () => finish(done));
    const leave = async (): Promise<IteratorResult<ExecutionResult>> => {
      if (this.members.delete(delivery)) {
        delivery.outbox.forget(delivery.operationId);
        finish(done);
        if (this.members.size === 0) await this.close();
      }
      return done;
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: () => ended,
      return: leave,
      throw: async (error: unknown) => {
        await leave();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const event = await this.source.next();
        if (event.done || this.closed) break;
        const payload = await this.serialize(event.value);
        for (const member of this.members.keys()) member.outbox.send(member.operationId, `${member.prefix}${payload}}`);
      }
    } catch (error) {
      this.log.error({ err: error }, 'live update could not be delivered; subscriptions ended');
    }
    await this.close();
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
    for (const [delivery, finish] of this.members) {
      delivery.outbox.forget(delivery.operationId);
      finish();
    }
    this.members.clear();
    await this.source.return?.();
  }
}
