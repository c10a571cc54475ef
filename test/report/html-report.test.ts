import { describe, expect, it } from 'vitest';
import { aggregate, type Aggregates } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { costByBookChart } from '../../src/report/html/charts/cost-by-book.js';
import { logTicks } from '../../src/report/html/charts/log-axis.js';
import { outcomesChart } from '../../src/report/html/charts/outcomes.js';
import { percentileSpectrumChart } from '../../src/report/html/charts/percentile-spectrum.js';
import { servedByChart } from '../../src/report/html/charts/served-by.js';
import { countTimeline } from '../../src/report/html/charts/timeline.js';
import { topLabelLayers } from '../../src/report/html/charts/top-labels.js';
import { escapeHtml, slug } from '../../src/report/html/escape.js';
import { renderHtml } from '../../src/report/html/html-report.js';
import { renderSvg } from '../../src/report/html/svg.js';
import { BREAKER_LAYER } from '../../src/report/html/charts/breaker-markers.js';
import { latencyTimelineChart } from '../../src/report/html/charts/latency-timeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { byProviderTable } from '../../src/report/sections/by-provider.js';
import { faultWindowsTable } from '../../src/report/sections/fault-windows.js';
import { phasesTable } from '../../src/report/sections/phases.js';
import type { RelayTimelineEvent } from '../../src/metrics/relay-events.js';
import { buildResult, type RunResult } from '../../src/scenario/result/result.js';
import { combineVariants } from '../../src/scenario/result/combine-variants.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';

const scenario = parseScenario(
  `name: html
providers: [{ name: primary }, { name: fallback }]
load: { rate: 25/s, duration: 4s }
faults: [{ provider: primary, type: reset, at: 1s, for: 1s }]
gates:
  success_rate: ['rate >= 99%']
  failover_time: ['max < 1s']
`,
  'html.yaml',
);

const WINDOW = { provider: 'primary', type: 'reset', atMs: 1000, forMs: 1000, appliedMs: 1000, removedMs: 2000 };

/**
 * 100 requests, one every 40 ms: the primary serves until the reset at 1 s, the first 200 ms of
 * the fault fail (resets and 503s), then the fallback serves until 500 ms after the fault ends,
 * when the primary takes over again. One request is dropped. `slow` scales every latency.
 */
function records(slow = 1): RequestRecord[] {
  return Array.from({ length: 100 }, (_, seq): RequestRecord => {
    const intendedMs = seq * 40;
    const done = (ms: number): Pick<RequestRecord, 'sentMs' | 'endMs'> => ({
      sentMs: intendedMs,
      endMs: intendedMs + ms * slow,
    });
    if (seq === 50) return { seq, intendedMs, sentMs: intendedMs, endMs: intendedMs, outcome: 'dropped' };
    if (intendedMs >= 1000 && intendedMs < 1200) {
      return seq % 2 === 0
        ? { seq, intendedMs, ...done(5), outcome: 'failed', failure: 'reset' }
        : { seq, intendedMs, ...done(300), outcome: 'failed', failure: 'status_503', status: 503 };
    }
    if (intendedMs >= 1200 && intendedMs < 2500)
      return { seq, intendedMs, ...done(60), outcome: 'ok', provider: 'fallback', attempts: 2 };
    return { seq, intendedMs, ...done(20), outcome: 'ok', provider: 'primary', attempts: 1 };
  });
}

function aggregates(slow = 1): Aggregates {
  return aggregate({ records: records(slow), scheduled: 100, windows: [WINDOW], primary: 'primary', durationMs: 4000 });
}

function result(name: string, slow = 1): RunResult {
  const a = aggregates(slow);
  const outcome: RunOutcome = {
    scenario,
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:00:05.000Z',
    records: records(slow),
    scheduled: 100,
    windows: [WINDOW],
    interrupted: false,
    faultPlane: { url: 'http://127.0.0.1:1', embedded: true },
    processes: [],
    cleanupErrors: [],
  };
  const built = buildResult(outcome, a, evaluateGates(scenario.gates, a));
  return { ...built, scenario: { ...built.scenario, name } };
}

/** The figures of a page: data-chart, data-variant and the figure's markup. */
function figures(html: string): Array<{ chart: string; variant: string | undefined; body: string }> {
  return [
    ...html.matchAll(
      /<figure class="chart"[^>]*data-chart="([^"]+)"(?: data-variant="([^"]*)")?[^>]*>([\s\S]*?)<\/figure>/g,
    ),
  ].map((m) => ({
    chart: m[1]!,
    variant: m[2],
    body: m[3]!,
  }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line paths a vega SVG draws for its line marks (one per series). */
function linePaths(svg: string): number {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].reduce(
    (n, m) => n + (m[1]!.match(/<path /g)?.length ?? 0),
    0,
  );
}

describe('renderHtml of a single run', async () => {
  const hostile = 'drill <script>alert("x")</script> & co';
  const base = result(hostile);
  const run: RunResult = {
    ...base,
    scenario: { ...base.scenario, description: 'Primary <b>resets</b> for 1 s & comes back.' },
  };
  const html = await renderHtml(run);
  const charts = figures(html);

  it('draws the timeline charts and the spectrum, one inline SVG each, and no cost chart without prices', () => {
    expect(charts.map((c) => c.chart)).toEqual(['latency-timeline', 'served-by', 'outcomes', 'percentile-spectrum']);
    for (const c of charts) {
      expect(c.body.match(/<svg /g), c.chart).toHaveLength(1);
      expect(c.body).toMatch(/<svg [^>]*width="\d+" height="\d+"/);
      expect(c.body).toMatch(/<figcaption>[^<]{80,}<\/figcaption>/);
    }
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
  });

  it('escapes every text from the result', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '<title>relaybench: drill &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>',
    );
    expect(html).toContain('Primary &lt;b&gt;resets&lt;/b&gt; for 1 s &amp; comes back.');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('references nothing outside the file, and says so to the browser', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
    // The only URLs are SVG namespace names, which are never fetched.
    const withoutNamespaces = html.replace(/\sxmlns(?::\w+)?="http:\/\/www\.w3\.org\/[^"]+"/g, '');
    expect(withoutNamespaces).not.toMatch(/https?:\/\//);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
  });

  it('gives every element a unique id (several SVGs share one document)', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(charts.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shades the fault window and marks the recovery on the latency timeline', () => {
    const a = run.aggregates;
    // The primary serves its pre-fault share again in the slice starting at 2.5 s: 500 ms after the fault ended.
    expect(a.windows[0]).toMatchObject({ startMs: 1000, endMs: 2000, recoveryMs: 500 });
    const latency = charts.find((c) => c.chart === 'latency-timeline')!.body;
    expect(latency).toContain('reset on primary');
    expect(latency).toContain('primary recovered (+500 ms)');
    expect(latency).toMatch(/<g class="mark-rule role-mark[^"]*"[^>]*><line /);
    // p50 and p99 over all requests (solid) and over successes only (dashed).
    expect(linePaths(latency)).toBe(4);
    const lineGroups = [...latency.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].map(
      (m) => m[1]!,
    );
    expect(lineGroups.join('').match(/<path [^>]*stroke-dasharray="5,3"/g)).toHaveLength(2);
    expect(latency).toContain('per 250 ms slice');
  });

  it('plots success-only percentiles: the slow 503s of the fault slice are not in them', () => {
    // 1.00-1.25 s: three 503s at 300 ms and two resets at 5 ms, then two fallback successes at 60 ms.
    expect(run.aggregates.fineSlices[4]).toMatchObject({ p99Us: 300_000, okP50Us: 60_000, okP99Us: 60_000 });
    const values = (
      latencyTimelineChart(run.aggregates).spec as { layer: Array<{ data?: { values: unknown[] } }> }
    ).layer
      .flatMap((l) => l.data?.values ?? [])
      .filter((v) => (v as { t: number }).t === 1.125);
    expect(values).toEqual(
      expect.arrayContaining([
        { t: 1.125, percentile: 'p99', requests: 'all requests', ms: 300 },
        { t: 1.125, percentile: 'p99', requests: 'successes only', ms: 60 },
      ]),
    );
  });

  it('renders report.md’s run sections with the same rows: fault windows, phases, providers, run details', () => {
    const md = renderMarkdown(run);
    const tables = [faultWindowsTable(run.aggregates)!, phasesTable(run)!, byProviderTable(run.aggregates)!];
    expect(tables.map((t) => t.id)).toEqual(['fault-windows', 'phases', 'by-provider']);
    for (const t of tables) {
      const section = new RegExp(
        `<section class="run-table" id="section-${t.id}" data-section="${t.id}">([\\s\\S]*?)</section>`,
      ).exec(html);
      expect(section, t.id).not.toBeNull();
      expect(section![1]).toContain(`>${escapeHtml(t.title)}</a></h2>`);
      for (const row of t.rows) {
        expect(md).toContain(`| ${row.join(' | ')} |`);
        expect(section![1]).toMatch(
          new RegExp(row.map((cell) => `<td[^>]*>${escapeRegExp(escapeHtml(cell))}</td>`).join('')),
        );
      }
    }
    expect(html).toMatch(/<td>reset on primary<\/td><td[^>]*>1\.00–2\.00 s<\/td><td class="num">25<\/td>/);
    expect(html).toMatch(/<section class="run-facts"[^>]*>[\s\S]*Failures by kind: status_503 3, reset 2<\/p>/);
  });

  it('marks the relay’s breaker transitions on every timeline, each with its tooltip, and lists them', async () => {
    const relayEvents: RelayTimelineEvent[] = [
      { type: 'breaker', target: 'primary', atMs: 1050, from: 'closed', to: 'open' },
      { type: 'cooldown', target: 'primary', atMs: 1060, untilMs: 1560, reason: 'retry_after' },
      { type: 'breaker', target: 'primary', atMs: 2100, from: 'open', to: 'halfOpen' },
      { type: 'breaker', target: 'primary', atMs: 2150, from: 'halfOpen', to: 'closed' },
    ];
    const page = await renderHtml({ ...run, aggregates: { ...run.aggregates, relayEvents } });
    for (const chart of figures(page).filter((c) => ['latency-timeline', 'served-by', 'outcomes'].includes(c.chart))) {
      const group = new RegExp(`<g class="mark-rule role-mark ${BREAKER_LAYER}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(
        chart.body,
      );
      expect(group, chart.chart).not.toBeNull();
      const titles = [...group![1]!.matchAll(/<line [^>]*stroke="(#[0-9a-f]+)"[^>]*><title>([^<]+)<\/title><\/line>/g)];
      expect(
        titles.map((m) => m[2]),
        chart.chart,
      ).toEqual([
        '1.05 s: breaker of primary closed → open',
        '2.10 s: breaker of primary open → halfOpen',
        '2.15 s: breaker of primary halfOpen → closed',
      ]);
      expect(titles[0]![1]).not.toBe(titles[2]![1]); // an opening in another colour than a closing
      expect(chart.body).toContain('3 breaker transitions');
    }
    const events = /<section class="run-table" id="section-relay-events"[^>]*>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(events).toMatch(/<td class="num">1\.05 s<\/td><td>breaker of primary closed → open<\/td>/);
    expect(events).toContain('<td>primary cooling down until 1.56 s (retry_after)</td>');
  });

  it('says PASSED only when gates ran and held, "no gates" when none ran', async () => {
    const base = result('verdicts');
    const verdictOf = async (r: RunResult): Promise<string> =>
      /<span class="verdict (\w+)">([^<]+)<\/span>/
        .exec(await renderHtml(r))!
        .slice(1)
        .join(' ');
    expect(await verdictOf({ ...base, gates: [], passed: true })).toBe('none no gates');
    const held = base.gates.map((g) => ({ ...g, passed: true }));
    expect(await verdictOf({ ...base, gates: held, passed: true })).toBe('pass PASSED');
    expect(await verdictOf({ ...base, gates: [], passed: false, interrupted: true })).toBe('fail FAILED');
  });

  it('shows the header facts and the gates with their measured values', () => {
    expect(html).toContain('<span class="verdict fail">FAILED</span>');
    expect(html).toContain(`<dt>Seed</dt><dd>${scenario.seed}</dd>`);
    expect(html).toMatch(/<td>success_rate: rate &gt;= 99%<\/td><td class="num">9\d\.\d\d%<\/td><td>FAIL<\/td>/);
    expect(html).toMatch(/<td>failover_time: max &lt; 1s<\/td><td class="num">[\d.]+ ms<\/td><td>pass<\/td>/);
  });
});

describe('the count charts', () => {
  const a = aggregates();
  const chartData = (spec: unknown): Array<{ t: number; series: string; n: number }> =>
    (spec as { layer: Array<{ data?: { values: unknown[] }; mark: { type: string } }> }).layer.find(
      (l) => l.mark.type === 'rect' && l.data && 'series' in (l.data.values[0] as object),
    )!.data!.values as Array<{ t: number; series: string; n: number }>;

  it('stacks served-by providers, failed and dropped up to each slice\u2019s scheduled requests', () => {
    const rows = chartData(servedByChart(a, ['primary', 'fallback']).spec);
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(['primary', 'fallback', 'failed', 'dropped']));
    for (const slice of a.fineSlices) {
      const stacked = rows.filter((r) => r.t === slice.startMs / 1000).reduce((n, r) => n + r.n, 0);
      expect(stacked, `slice at ${slice.startMs} ms`).toBe(slice.offered);
    }
  });

  it('stacks outcomes (ok, each failure kind, dropped) up to the same totals', () => {
    const rows = chartData(outcomesChart(a).spec);
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(['ok', 'reset', 'status_503', 'dropped']));
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(a.scheduled);
    for (const slice of a.fineSlices)
      expect(rows.filter((r) => r.t === slice.startMs / 1000).reduce((n, r) => n + r.n, 0)).toBe(slice.offered);
  });

  it('merges a long run\u2019s 1 s slices into wider bins with the counts intact', () => {
    const long: RequestRecord[] = Array.from({ length: 900 }, (_, seq) => ({
      seq,
      intendedMs: seq * 1000,
      sentMs: seq * 1000,
      endMs: seq * 1000 + 10,
      outcome: 'ok',
      provider: 'primary',
    }));
    const la = aggregate({ records: long, scheduled: 900, windows: [], primary: 'primary', durationMs: 900_000 });
    const t = countTimeline(la);
    expect(t.sliceMs).toBe(3000);
    expect(t.slices).toHaveLength(300);
    expect(t.slices.reduce((n, s) => n + s.offered, 0)).toBe(900);
    expect(t.slices.every((s) => s.servedBy.primary === 3)).toBe(true);
  });
});

describe('a variants run', async () => {
  const combined = combineVariants([
    { name: 'fast & <b>', result: result('html') },
    { name: 'slow', result: result('html', 4) },
  ]);
  const html = await renderHtml(combined);
  const charts = figures(html);

  it('draws the spectrum once with one line per variant, and each variant\u2019s timelines', () => {
    expect(charts.filter((c) => c.variant === undefined).map((c) => c.chart)).toEqual(['percentile-spectrum']);
    const spectrum = charts.find((c) => c.chart === 'percentile-spectrum')!.body;
    expect(linePaths(spectrum)).toBe(2);
    expect(spectrum).toContain('fast &amp; &lt;b&gt;');
    expect(spectrum).not.toContain('<b>');
    for (const variant of ['fast &amp; &lt;b&gt;', 'slow']) {
      expect(charts.filter((c) => c.variant === variant).map((c) => c.chart)).toEqual([
        'latency-timeline',
        'served-by',
        'outcomes',
      ]);
    }
  });

  it('gives each variant its own run sections, with unique ids', () => {
    for (const [name, slow] of [
      ['fast & <b>', 1],
      ['slow', 4],
    ] as const) {
      const suffix = slug(name);
      const section = new RegExp(
        `<section class="variant-details" id="details-${suffix}">([\\s\\S]*?)(?=<section class="(?:variant-details|report-table)"|<footer)`,
      ).exec(html);
      expect(section, name).not.toBeNull();
      const body = section![1]!;
      const variant = combined.variants!.find((v) => v.name === name)!.result;
      const rows = byProviderTable(variant.aggregates)!.rows;
      expect(rows.find((r) => r[0] === 'fallback')![3]).toBe(`${60 * slow} ms`);
      // Outcomes by phase where report.md has them (a run with faults).
      expect(body.includes(`id="section-phases-${suffix}"`)).toBe(
        renderMarkdown(variant).includes('### Outcomes by phase'),
      );
      for (const id of ['fault-windows', 'by-provider', 'run-facts'])
        expect(body, `${name} ${id}`).toContain(`id="section-${id}-${suffix}"`);
      expect(body).toContain(
        `<td>fallback</td><td class="num">32</td><td class="num">0</td><td class="num">${60 * slow} ms</td>`,
      );
    }
  });

  it('reads the spectrum from each variant\u2019s histogram: the slow one is 4x the fast one at every percentile', () => {
    const chart = percentileSpectrumChart(
      combined.variants!.map((v) => ({ name: v.name, aggregates: v.result.aggregates })),
    )!;
    const values = (chart.spec as { data: { values: Array<{ variant: string; x: number; ms: number }> } }).data.values;
    const fast = values.filter((v) => v.variant === 'fast & <b>');
    const slow = values.filter((v) => v.variant === 'slow');
    expect(fast.length).toBeGreaterThan(40);
    expect(slow).toHaveLength(fast.length);
    fast.forEach((point, i) => expect(slow[i]!.ms / point.ms).toBeCloseTo(4, 1));
    // p = 0 is the fastest request (a 5 ms reset), the last point the slowest (a 300 ms 503).
    expect(fast[0]!.ms).toBeCloseTo(5, 1);
    expect(fast.at(-1)!.ms).toBeCloseTo(300, 0);
  });
});

describe('the cost chart', () => {
  it('is left out without rows, not drawn empty', () => {
    expect(costByBookChart([])).toBeUndefined();
  });

  it('draws one bar per variant and price book', async () => {
    const chart = costByBookChart([
      { variant: 'single', book: 'list-2026', usdPer1k: 0.08 },
      { variant: 'single', book: 'relay-2026', usdPer1k: 0.012 },
      { variant: '2-chain', book: 'list-2026', usdPer1k: 0.09 },
      { variant: '2-chain', book: 'relay-2026', usdPer1k: 0.014 },
    ])!;
    const svg = await renderSvg(chart.spec);
    const bars = svg.match(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/)![1]!;
    expect(bars.match(/<path /g)).toHaveLength(4);
    expect(svg).toContain('$0.0800');
    expect(svg).toContain('relay-2026');
  });
});

describe('topLabelLayers', () => {
  type Layer = { data: { values: Array<{ text: string }> }; mark: { align: string; dy: number } };
  const placed = (layers: object[]): Array<{ text: string; align: string; dy: number }> =>
    (layers as Layer[]).flatMap((l) =>
      l.data.values.map((v) => ({ text: v.text, align: l.mark.align, dy: l.mark.dy })),
    );

  it('puts labels that would overlap on separate rows, and ends one at its x near the right edge', () => {
    const labels = placed(
      topLabelLayers(
        [
          { x: 1, text: 'down on primary', color: 'red' },
          { x: 1.05, text: 'http_status on secondary', color: 'red' },
          { x: 9.9, text: 'primary recovered (+1.20 s)', color: 'blue' },
        ],
        10,
      ),
    );
    expect(labels).toEqual([
      { text: 'down on primary', align: 'left', dy: 2 },
      { text: 'http_status on secondary', align: 'left', dy: 14 },
      { text: 'primary recovered (+1.20 s)', align: 'right', dy: 2 },
    ]);
  });

  it('draws no labels rather than a pile of them', () => {
    expect(
      topLabelLayers(
        Array.from({ length: 4 }, (_, i) => ({ x: i * 0.01, text: `fault ${i}`, color: 'red' })),
        10,
      ),
    ).toEqual([]);
  });
});

describe('logTicks', () => {
  it.each([
    [
      [25, 48],
      [10, 20, 50, 100],
    ],
    [
      [0.4, 3],
      [0.1, 0.2, 0.5, 1, 2, 5, 10],
    ],
    [[0, -1], []],
  ])('%j -> %j', (values, ticks) => {
    expect(logTicks(values)).toEqual(ticks);
  });
});
