/**
 * report.html in a real browser: a short real run writes it, headless Chromium (Debian's
 * `chromium` package) opens it from disk, and every chart must be there, sized, and drawn, with
 * no request but the file itself. Leaves a full-page PNG next to the run (reports/runs/ is
 * git-ignored) and prints its path.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costByBook } from '../../src/report/cost-by-book.js';
import { BREAKER_LAYER } from '../../src/report/html/charts/breaker-markers.js';
import { FAULT_WINDOWS_HEADER, faultWindowsTable } from '../../src/report/sections/fault-windows.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { relaybench } from '../support/cli.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && path !== '' && existsSync(path),
);
const INSTALL = 'install it with `apt-get install chromium` (Debian/Ubuntu) or set CHROMIUM_PATH';
const OUT = join(import.meta.dirname, '../../reports/runs/html-browser-test');

if (CHROMIUM === undefined && !process.env.CI)
  console.warn(`html-browser.test.ts skipped: no chromium found; ${INSTALL}`);

interface FigureInfo {
  chart: string;
  variant: string | null;
  svgs: number;
  width: number;
  height: number;
  marks: number;
  drawnMarks: number;
  caption: string;
  /** The breaker-transition rules (drawn ones) and their tooltips. */
  breakerRules: number;
  breakerTitles: string[];
  /** Dashed line paths: the success-only percentiles. */
  dashedLines: number;
}

interface SectionInfo {
  section: string;
  heading: string;
  height: number;
  header: string[];
  rows: string[][];
  text: string;
}

describe.skipIf(CHROMIUM === undefined && !process.env.CI)('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let result: RunResult;
  let requests: string[] = [];
  let errors: string[] = [];
  let figures: FigureInfo[] = [];
  let sections: SectionInfo[] = [];
  const html = join(OUT, 'report.html');
  const screenshot = join(OUT, 'report.png');

  beforeAll(async () => {
    if (CHROMIUM === undefined)
      throw new Error(`CI is set but no chromium was found: ${INSTALL} (.ci/run installs it)`);
    await rm(OUT, { recursive: true, force: true });
    const run = await relaybench(['run', 'scenarios/smoke.yaml', '--duration-scale', '0.3', '--out', OUT]);
    // 99 (a gate failed on a busy machine) still writes every file.
    expect([0, 99], run.stderr).toContain(run.code);
    expect(run.stdout).toContain(html);
    result = JSON.parse(await readFile(join(OUT, 'result.json'), 'utf8')) as RunResult;

    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-extensions',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage();
    // The page's own CSP would block (and so hide) an external reference: the test must see any it makes.
    await page.setBypassCSP(true);
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'networkidle0' });
    figures = await page.$$eval(
      'figure.chart',
      (nodes, breakerGroup) =>
        nodes.map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          // Data marks only (vega puts them in role-mark groups): not axes, grid or legend.
          const marks = svg ? [...svg.querySelectorAll('g.role-mark path, g.role-mark rect, g.role-mark line')] : [];
          const drawn = marks.filter((mark) => {
            const r = mark.getBoundingClientRect();
            return r.width > 0 || r.height > 0;
          });
          return {
            chart: figure.getAttribute('data-chart') ?? '',
            variant: figure.getAttribute('data-variant'),
            svgs: figure.querySelectorAll('svg').length,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: marks.length,
            drawnMarks: drawn.length,
            caption: figure.querySelector('figcaption')?.textContent ?? '',
            breakerRules: [...(svg?.querySelectorAll(`g.role-mark.${breakerGroup} line`) ?? [])].filter(
              (line) => line.getBoundingClientRect().height > 100,
            ).length,
            breakerTitles: [...(svg?.querySelectorAll(`g.role-mark.${breakerGroup} line > title`) ?? [])].map(
              (title) => title.textContent ?? '',
            ),
            dashedLines: svg ? svg.querySelectorAll('g.mark-line.role-mark path[stroke-dasharray="5,3"]').length : 0,
          };
        }),
      `${BREAKER_LAYER}_marks`,
    );
    sections = await page.$$eval('section.run-table, section.run-facts', (nodes) =>
      nodes.map((section) => ({
        section: section.getAttribute('data-section') ?? '',
        heading: section.querySelector('h2')?.textContent ?? '',
        height: section.getBoundingClientRect().height,
        header: [...section.querySelectorAll('thead th')].map((th) => th.textContent ?? ''),
        rows: [...section.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        ),
        text: section.textContent ?? '',
      })),
    );
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report.html screenshot: ${screenshot}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every chart: present, sized, with drawn marks', () => {
    // A run prices its traffic in the default books, so the cost chart is among them (it may not quietly drop out).
    expect(costByBook(result).length).toBeGreaterThan(0);
    const expected = [
      'latency-timeline',
      'served-by',
      'outcomes',
      'percentile-spectrum',
      ...(costByBook(result).length > 0 ? ['cost-by-book'] : []),
    ];
    expect(figures.map((f) => f.chart)).toEqual(expected);
    for (const figure of figures) {
      expect(figure.svgs, figure.chart).toBe(1);
      expect(figure.width, figure.chart).toBeGreaterThan(300);
      expect(figure.height, figure.chart).toBeGreaterThan(150);
      expect(figure.drawnMarks, figure.chart).toBeGreaterThan(0);
      expect(figure.caption.length, figure.chart).toBeGreaterThan(80);
    }
  });

  it('draws the fault window of the run and its data on the timelines', () => {
    expect(result.aggregates.windows.length).toBeGreaterThan(0);
    const latency = figures.find((f) => f.chart === 'latency-timeline')!;
    // At least: the shaded window, two percentile lines (paths) and their points.
    expect(latency.marks).toBeGreaterThanOrEqual(3);
    const servedBy = figures.find((f) => f.chart === 'served-by')!;
    // One bar segment per slice at least (the run has 24 slices of 250 ms), plus the window.
    expect(servedBy.drawnMarks).toBeGreaterThan(result.aggregates.fineSlices.length);
  });

  it('renders report.md\u2019s run sections: fault windows with the run\u2019s figures, phases, providers, relay events', () => {
    expect(sections.map((s) => s.section)).toEqual([
      'fault-windows',
      'phases',
      'by-provider',
      'relay-events',
      'run-facts',
    ]);
    expect(sections.map((s) => s.heading)).toEqual([
      'Fault windows',
      'Outcomes by phase',
      'By provider',
      'Relay events',
      'Run details',
    ]);
    for (const section of sections) expect(section.height, section.section).toBeGreaterThan(40);
    const windows = sections.find((s) => s.section === 'fault-windows')!;
    expect(windows.header).toEqual(FAULT_WINDOWS_HEADER);
    // The row as result.json's window has it: `reset on primary`, its confirmed span, its requests and failover time.
    const w = result.aggregates.windows[0]!;
    expect(windows.rows[0]).toEqual(faultWindowsTable(result.aggregates)!.rows[0]);
    expect(windows.rows[0]!.slice(0, 3)).toEqual([
      'reset on primary',
      `${(w.startMs / 1000).toFixed(2)}–${(w.endMs / 1000).toFixed(2)} s`,
      String(w.requests),
    ]);
    expect(windows.rows[0]![4]).toMatch(/^[\d.]+ (ms|s)$/);
    const phases = sections.find((s) => s.section === 'phases')!;
    expect(phases.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['baseline', 'fault']));
    const providers = sections.find((s) => s.section === 'by-provider')!.rows.map((r) => r[0]);
    expect(providers).toEqual(expect.arrayContaining(['primary', 'fallback']));
    const events = sections.find((s) => s.section === 'relay-events')!;
    expect(events.rows.some((r) => /^breaker of primary\S* closed → open$/.test(r.at(-1)!))).toBe(true);
  });

  it('marks the relay\u2019s breaker transitions on every timeline, each with its tooltip, and a success-only latency line', () => {
    const breakers = result.aggregates.relayEvents.filter((e) => e.type === 'breaker');
    // The relay's breaker opens on the primary's resets.
    expect(breakers.length).toBeGreaterThan(0);
    for (const chart of ['latency-timeline', 'served-by', 'outcomes']) {
      const figure = figures.find((f) => f.chart === chart)!;
      expect(figure.breakerRules, chart).toBe(breakers.length);
      expect(figure.breakerTitles[0], chart).toMatch(/^\d+\.\d\d s: breaker of primary\S* closed → open$/);
      expect(figure.caption, chart).toContain('breaker transition');
    }
    expect(figures.find((f) => f.chart === 'latency-timeline')!.dashedLines).toBe(2);
  });

  it('makes no request but the file itself, and no errors', () => {
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(errors).toEqual([]);
  });

  it('re-renders the same charts with `relaybench report --html`', async () => {
    const again = join(OUT, 'again.html');
    const run = await relaybench(['report', join(OUT, 'result.json'), '--html', again]);
    expect(run.code, run.stderr).toBe(0);
    const charts = (text: string): string[] => [...text.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]!);
    expect(charts(await readFile(again, 'utf8'))).toEqual(charts(await readFile(html, 'utf8')));
  });
});

/** The serving-metrics and schedule-lag sections: a short streamed run at a known pace, opened in Chromium. */
describe.skipIf(CHROMIUM === undefined && !process.env.CI)('report.html serving sections in headless Chromium', () => {
  const dir = join(OUT, '../html-browser-serving-test');
  let browser: Browser | undefined;
  let sections: Array<{ id: string; height: number; title: string; header: string[]; rows: string[][] }> = [];
  let spectrum: { width: number; height: number; drawnMarks: number; legend: string } | undefined;

  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error(`CI is set but no chromium was found: ${INSTALL}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'serving.yaml');
    await writeFile(
      file,
      `providers: [{ name: paced, ttft: 30ms, per_token: 10ms }]
target: { kind: direct }
load: { rate: 10/s, duration: 2s, timeout: 5s, mix: { stream_ratio: 1, max_tokens: 16 } }
slo: { ttft: 1s, itl: 500ms }
`,
    );
    const run = await relaybench(['run', file, '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(dir, 'out', 'report.html')).href, { waitUntil: 'networkidle0' });
    sections = await page.$$eval('#table-serving, #table-schedule-lag', (nodes) =>
      nodes.map((section) => ({
        id: section.id,
        height: section.getBoundingClientRect().height,
        title: section.querySelector('h2')?.textContent ?? '',
        header: [...section.querySelectorAll('thead th')].map((th) => th.textContent ?? ''),
        rows: [...section.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        ),
      })),
    );
    spectrum = await page.$eval('figure.chart[data-chart="serving-spectrum"]', (figure) => {
      const svg = figure.querySelector('svg')!;
      const box = svg.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('g.role-mark path')].filter((m) => m.getBoundingClientRect().width > 0);
      return { width: box.width, height: box.height, drawnMarks: marks.length, legend: svg.textContent ?? '' };
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the ITL and TPOT percentile spectrum', () => {
    expect(spectrum!.width).toBeGreaterThan(300);
    expect(spectrum!.height).toBeGreaterThan(150);
    expect(spectrum!.drawnMarks).toBeGreaterThanOrEqual(2);
    expect(spectrum!.legend).toContain('ITL');
    expect(spectrum!.legend).toContain('TPOT');
  });

  it('renders the LLM serving metrics table with the paced ITL and the goodput', () => {
    const serving = sections.find((s) => s.id === 'table-serving')!;
    expect(serving.title).toBe('LLM serving metrics');
    expect(serving.height).toBeGreaterThan(50);
    expect(serving.header).toContain('ITL p50');
    const all = serving.rows.find((r) => r[1] === 'all')!;
    // TPOT reads the pace even when a starved mock sends late tokens in bursts (its schedule is
    // absolute); the pooled ITL p50 would then read the short gaps inside a burst, so only its form is checked here.
    const ms = (header: string): number => Number(/^([\d.]+) ms$/.exec(all[serving.header.indexOf(header)]!)?.[1]);
    expect(ms('ITL p50')).toBeGreaterThan(0);
    expect(ms('TPOT p50')).toBeGreaterThan(8);
    expect(ms('TPOT p50')).toBeLessThan(20);
    expect(all[serving.header.indexOf('Goodput')]).toMatch(/^100(\.0+)?% \(\d+\.\d+\/s\)$/);
    expect(serving.rows.some((r) => r[1] === 'paced')).toBe(true);
  });

  it('renders the schedule-lag table', () => {
    const lag = sections.find((s) => s.id === 'table-schedule-lag')!;
    expect(lag.height).toBeGreaterThan(50);
    expect(lag.header).toEqual([
      'Configuration',
      'Schedule lag p50',
      'Schedule lag p99',
      'Schedule lag max',
      'Event-loop delay p99',
      'Verdict',
    ]);
    expect(lag.rows).toHaveLength(1);
    expect(lag.rows[0]![1]).toMatch(/ms$/);
  });
});
