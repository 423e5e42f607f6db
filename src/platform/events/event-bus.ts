import { randomUUID } from 'node:crypto';
import type { Database } from '../database';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { EventVersionTable } from './event-versions';

/** An event as it travels in a job: the payload plus what every handler needs to be idempotent. */
export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  eventId: string;
  type: TType;
  occurredAt: string;
  payload: TPayload;
}

export interface HandlerContext {
  eventId: string;
  occurredAt: string;
  /** 1 on the first run; graphile-worker counts attempts before running the job. */
  attempt: number;
  maxAttempts: number;
  /** True when a failure now leaves the job dead-lettered: last chance to record the outcome. */
  isFinalAttempt: boolean;
  logger: Logger;
}

/**
 * What to do with one kind of event. Each handler receives each event as its own job, so one
 * failing handler never blocks another. `transactional` handlers (the default) run in one
 * transaction with an "already processed" marker, which makes them exactly-once in effect;
 * others (calls to the outside world) must be idempotent on their own. Which event it handles,
 * and in which order, is said by the event table (src/composition/event-table.ts).
 */
export interface EventHandler<TPayload> {
  /** Stable and unique: it names the job and keys the processed-events marker. */
  name: string;
  transactional?: boolean;
  maxAttempts?: number;
  handle(payload: TPayload, context: HandlerContext): Promise<void>;
}

/** One line of the event table: a handler bound to an event, with its ordering. */
export type EventSubscription<TEvents> = {
  [K in keyof TEvents & string]: {
    event: K;
    handler: EventHandler<TEvents[K]>;
    /**
     * Jobs that share a queue name run one at a time, in the order they were enqueued: for
     * handlers whose effects must keep the events' order (e.g. live updates of one order).
     */
    queueName?(payload: TEvents[K]): string;
    /** Lower runs first (graphile-worker's priority); 0 by default. */
    priority?: number;
    /** A filter at publish time: events it refuses enqueue no job for this handler. */
    accepts?(payload: TEvents[K]): boolean;
  };
}[keyof TEvents & string];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySubscription = { event: string; handler: EventHandler<any>; queueName?(payload: any): string; priority?: number; accepts?(payload: any): boolean };

export interface EventPublisher<TEvents> {
  /** Must run inside a transaction: the event is delivered if and only if that commits. */
  publish<K extends keyof TEvents & string>(type: K, payload: TEvents[K]): Promise<void>;
  /** Several events of one type, enqueued in one statement. */
  publishAll<K extends keyof TEvents & string>(type: K, payloads: readonly TEvents[K][]): Promise<void>;
}

export const eventTaskName = (handlerName: string): string => `event:${handlerName}`;

/** Events one transaction published, by type, in publishing order. */
export interface CommittedEvents {
  type: string;
  payloads: readonly unknown[];
}

/**
 * Told in the publishing process, once, right after a transaction that published events
 * commits, with all of them (so a listener does its work once per commit, not per event).
 */
export type CommitListener = (events: readonly CommittedEvents[]) => Promise<void>;

export class EventBus<TEvents> implements EventPublisher<TEvents> {
  private readonly subscriptions = new Map<string, AnySubscription[]>();
  private readonly commitListeners: CommitListener[] = [];
  /** The key of a transaction's list of published events. */
  private readonly committedKey = {};

  constructor(
    private readonly database: Database,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    private readonly versions: EventVersionTable<TEvents>,
  ) {}

  subscribe(subscription: EventSubscription<TEvents>): void {
    const { event, handler } = subscription as AnySubscription;
    if (this.allSubscriptions.some((s) => s.handler.name === handler.name)) throw new Error(`Duplicate event handler name ${handler.name}`);
    this.subscriptions.set(event, [...(this.subscriptions.get(event) ?? []), subscription as AnySubscription]);
  }

  /**
   * A quick local reaction in the process that made the change (e.g. dropping cached reads at
   * once); not a delivery guarantee: that is the handlers' job, which runs even after a crash.
   */
  onCommitted(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /** This transaction's published events, told to the commit listeners once it commits. */
  private publishedInTransaction(): CommittedEvents[] {
    return this.database.transactionLocal<CommittedEvents[]>(this.committedKey, () => [], {
      afterCommit: async (published) => {
        for (const listener of this.commitListeners) await listener(published);
      },
    });
  }

  get allSubscriptions(): AnySubscription[] {
    return [...this.subscriptions.values()].flat();
  }

  publish<K extends keyof TEvents & string>(type: K, payload: TEvents[K]): Promise<void> {
    return this.publishAll(type, [payload]);
  }

  async publishAll<K extends keyof TEvents & string>(type: K, payloads: readonly TEvents[K][]): Promise<void> {
    if (!this.database.inTransaction) {
      throw new Error(`Event ${type} published outside a transaction; it would not be atomic with its change`);
    }
    const occurredAt = new Date().toISOString();
    const jobs = payloads.flatMap((payload) => {
      const stamped = { ...payload, event: type, version: this.versions[type].current };
      const envelope: EventEnvelope = { eventId: randomUUID(), type, occurredAt, payload: stamped };
      return (this.subscriptions.get(type) ?? [])
        .filter((subscription) => !subscription.accepts || subscription.accepts(payload))
        .map(({ handler, queueName, priority }) => ({
          task: eventTaskName(handler.name),
          payload: envelope,
          options: { maxAttempts: handler.maxAttempts, queueName: queueName?.(payload), priority },
        }));
    });
    await this.jobs.enqueueTasks(jobs);
    if (this.commitListeners.length > 0) this.publishedInTransaction().push({ type, payloads });
    this.logger.debug({ event: type, count: payloads.length }, 'events published');
  }
}
