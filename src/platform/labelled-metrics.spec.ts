import { Counter, Histogram, Registry, type Metric } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics';

/** Our counters and histograms must render exactly as prom-client's own would, for the same observations. */
async function rendered(register: (registry: Registry) => void): Promise<string> {
  const registry = new Registry();
  register(registry);
  return registry.metrics();
}

describe('labelled metrics', () => {
  it('when a histogram observes values under several label sets, then it renders as prom-client’s Histogram does', async () => {
    const observations: [Record<'statement' | 'outcome', string>, number][] = [
      [{ statement: 'SELECT', outcome: 'ok' }, 0.0004],
      [{ statement: 'SELECT', outcome: 'ok' }, 0.003],
      [{ outcome: 'ok', statement: 'SELECT' }, 0.003],
      [{ statement: 'COMMIT', outcome: 'ok' }, 0.02],
      [{ statement: 'WITH', outcome: 'error' }, 7],
      [{ statement: 'SELECT', outcome: 'ok' }, 0.0025],
    ];
    const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025];
    const ours = await rendered((registry) => {
      const histogram = new LabelledHistogram('db_query_duration_seconds', 'help text', ['statement', 'outcome'], buckets);
      registry.registerMetric(histogram as unknown as Metric);
      for (const [labels, value] of observations) histogram.observe(labels, value);
    });
    const theirs = await rendered((registry) => {
      const histogram = new Histogram({ name: 'db_query_duration_seconds', help: 'help text', labelNames: ['statement', 'outcome'], buckets, registers: [registry] });
      for (const [labels, value] of observations) histogram.observe(labels, value);
    });
    expect(ours).toBe(theirs);
  });

  it('when counters count with and without labels, then they render as prom-client’s Counter does', async () => {
    const ours = await rendered((registry) => {
      const plain = new LabelledCounter('plain_total', 'no labels');
      const idle = new LabelledCounter('idle_total', 'never incremented');
      const byTask = new LabelledCounter('jobs_total', 'by task', ['task']);
      for (const metric of [plain, idle, byTask]) registry.registerMetric(metric as unknown as Metric);
      plain.inc();
      plain.inc(4);
      byTask.inc({ task: 'a' });
      byTask.inc({ task: 'b' }, 2);
      byTask.inc({ task: 'a' });
    });
    const theirs = await rendered((registry) => {
      const plain = new Counter({ name: 'plain_total', help: 'no labels', registers: [registry] });
      new Counter({ name: 'idle_total', help: 'never incremented', registers: [registry] });
      const byTask = new Counter({ name: 'jobs_total', help: 'by task', labelNames: ['task'], registers: [registry] });
      plain.inc();
      plain.inc(4);
      byTask.inc({ task: 'a' });
      byTask.inc({ task: 'b' }, 2);
      byTask.labels({ task: 'a' }).inc();
    });
    expect(ours).toBe(theirs);
  });

  it('when a label was not declared, or a value is not a finite number, then it throws as prom-client does', () => {
    const histogram = new LabelledHistogram<'statement'>('h', 'h', ['statement'], [1]);
    expect(() => histogram.observe({ statement: 'SELECT', other: 'x' } as never, 1)).toThrow('Added label "other"');
    expect(() => histogram.observe({ statement: 'SELECT' }, Number.NaN)).toThrow('not a valid number');
    const counter = new LabelledCounter<'task'>('c', 'c', ['task']);
    expect(() => counter.inc({ task: 'a' }, -1)).toThrow();
  });
});
