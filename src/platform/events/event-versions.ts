/**
 * Payloads are versioned because jobs outlive a deploy: a job enqueued by the previous release
 * runs on the next one. Every payload carries its event name and version; a worker upgrades an
 * older payload step by step to the version its handlers are written for.
 */
export interface EventStamp {
  event: string;
  version: number;
}

type Payload = Record<string, unknown>;

export interface EventVersions {
  /** The version publishers write now, and handlers are written for. */
  current: number;
  /** upgrade[v] turns a version-v payload into a version v+1 one; every older version that can still be queued has one. */
  upgrade: Readonly<Record<number, (payload: Payload) => Payload>>;
}

/**
 * Version 1 is every payload enqueued before payloads were stamped: the fields of version 2,
 * without `event` and `version`. The stamp is added on the way up, so the step changes nothing else.
 */
export const fromUnstamped = (payload: Payload): Payload => payload;

/**
 * The upgrade for a version that added a field: older payloads get `value`, which says the field
 * was not recorded (e.g. null), and handlers read that as "look the value up now".
 */
export const withField =
  (name: string, value: unknown) =>
  (payload: Payload): Payload => ({ ...payload, [name]: value });

/** A job's payload, upgraded to the current version and stamped. */
export function toCurrentVersion(event: string, payload: unknown, versions: EventVersions): Payload {
  let upgraded = payload as Payload;
  let version = typeof upgraded.version === 'number' ? upgraded.version : 1;
  if (version > versions.current) {
    // Published by a newer release during a rolling deploy: failing retries it later, on a worker that knows it.
    throw new Error(`${event} version ${version} is newer than this release handles (${versions.current})`);
  }
  for (; version < versions.current; version += 1) {
    const step = versions.upgrade[version];
    if (!step) throw new Error(`${event} version ${version} can no longer be handled: no upgrade to ${version + 1}`);
    upgraded = step(upgraded);
  }
  return { ...upgraded, event, version };
}

/** The versions of every event an application publishes. */
export type EventVersionTable<TEvents> = { readonly [K in keyof TEvents & string]: EventVersions };
