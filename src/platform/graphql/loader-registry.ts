import type { Viewer } from '../viewer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LoaderClass<T> = abstract new (...args: any[]) => T;
/** Told the size of every DataLoader batch (for the batch-size histogram). */
export type BatchObserver = (loader: string, size: number) => void;
export type LoaderFactory<T> = (viewer: Viewer, observeBatch: BatchObserver) => T;

/** Wraps a DataLoader batch function so each batch's size is observed under `name`. */
export function observedBatch<K, V>(
  name: string,
  observe: BatchObserver,
  batch: (keys: readonly K[]) => Promise<V[]>,
): (keys: readonly K[]) => Promise<V[]> {
  return (keys) => {
    observe(name, keys.length);
    return batch(keys);
  };
}

/** The per-request loader sets a module offers: its class as the key, a factory as the value. */
export class LoaderFactories {
  private readonly factories = new Map<LoaderClass<unknown>, LoaderFactory<unknown>>();

  constructor(private readonly observeBatch: BatchObserver = () => {}) {}

  register<T>(key: LoaderClass<T>, factory: LoaderFactory<T>): this {
    this.factories.set(key, factory);
    return this;
  }

  forRequest(viewer: Viewer): LoaderRegistry {
    return new LoaderRegistry(this.factories, viewer, this.observeBatch);
  }
}

/**
 * One request's DataLoaders. A loader set is built the first time a resolver asks for it, so a request pays only for the
 * relations it reads, and it is never shared with another request.
 */
export class LoaderRegistry {
  private readonly instances = new Map<LoaderClass<unknown>, unknown>();

  constructor(
    private readonly factories: ReadonlyMap<LoaderClass<unknown>, LoaderFactory<unknown>>,
    private readonly viewer: Viewer,
    private readonly observeBatch: BatchObserver,
  ) {}

  get<T>(key: LoaderClass<T>): T {
    let instance = this.instances.get(key) as T | undefined;
    if (instance === undefined) {
      const factory = this.factories.get(key);
      if (!factory) throw new Error(`No loaders registered for ${key.name}`);
      instance = factory(this.viewer, this.observeBatch) as T;
      this.instances.set(key, instance);
    }
    return instance;
  }
}
