type Labels<L extends string> = Partial<Record<L, string | number>>;

/** What prom-client's Registry reads from a metric to render it (`MetricObjectWithValues`). */
interface Rendered {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: { metricName?: string; labels: Record<string, string | number | undefined>; value: number }[];
}

/**
 * Counters and histograms for the per-request path. prom-client validates and hashes the label
 * object (sorting its keys) on every `inc`/`observe`; a request touches about ten of them, which
 * was 4-5 % of a product page's CPU. These keep one series per distinct label values, found by
 * the values joined in declared order; names are checked once per new series. Registered on a
 * prom-client Registry, which renders them like its own.
 */
abstract class LabelledMetric<L extends string, S> {
  protected readonly series = new Map<string, { labels: Labels<L>; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly L[] = [],
  ) {}

  protected seriesOf(labels: Labels<L> | undefined): S {
    let key = '';
    if (labels) for (const name of this.labelNames) key += `${labels[name] ?? ''}\u0000`;
    let found = this.series.get(key);
    if (!found) {
      for (const name of Object.keys(labels ?? {})) {
        if (!this.labelNames.includes(name as L)) throw new Error(`Added label "${name}" is not included in initial labelset: ${JSON.stringify(this.labelNames)}`);
      }
      found = { labels: { ...labels }, state: this.newState() };
      this.series.set(key, found);
    }
    return found.state;
  }

  protected abstract newState(): S;

  reset(): void {
    this.series.clear();
  }
}

export class LabelledCounter<L extends string = never> extends LabelledMetric<L, { value: number }> {
  readonly type = 'counter';
  readonly aggregator = 'sum';

  inc(labels?: Labels<L> | number, value = 1): void {
    const [series, amount] = typeof labels === 'number' ? [undefined, labels] : [labels, value];
    if (!Number.isFinite(amount) || amount < 0) throw new Error(`A counter only goes up, by a finite amount: ${amount}`);
    this.seriesOf(series).value += amount;
  }

  protected newState() {
    return { value: 0 };
  }

  get(): Rendered {
    // As prom-client does, a counter without labels reads 0 before its first increment.
    const values =
      this.series.size === 0 && this.labelNames.length === 0
        ? [{ labels: {}, value: 0 }]
        : [...this.series.values()].map(({ labels, state }) => ({ labels, value: state.value }));
    return { name: this.name, help: this.help, type: 'counter', aggregator: 'sum', values };
  }
}

export class LabelledHistogram<L extends string> extends LabelledMetric<L, { buckets: Float64Array; sum: number; count: number }> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(name: string, help: string, labelNames: readonly L[], private readonly upperBounds: readonly number[]) {
    super(name, help, labelNames);
  }

  observe(labels: Labels<L>, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const state = this.seriesOf(labels);
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket += 1;
    if (bucket < bounds.length) state.buckets[bucket]! += 1;
    state.sum += value;
    state.count += 1;
  }

  protected newState() {
    return { buckets: new Float64Array(this.upperBounds.length), sum: 0, count: 0 };
  }

  /** Cumulative `_bucket` series (with `le`, then `+Inf`), `_sum` and `_count`, as Prometheus reads them. */
  get(): Rendered {
    const values: Rendered['values'] = [];
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, index) => {
        cumulative += state.buckets[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: state.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: state.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: state.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
