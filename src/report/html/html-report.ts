/**
 * report.html: one self-contained page (inline CSS, charts as inline SVG rendered here with
 * vega-lite, no scripts, nothing fetched at view time). The header and gates, the charts (per
 * variant for a variants run, with the percentile spectrum and cost comparing them), the run's own
 * sections as report.md has them (fault windows, phases, providers, relay events), then every
 * report table. Pure apart from rendering: returns the document.
 */
import { costByBook } from '../cost-by-book.js';
import type { RunResult } from '../../scenario/result/result.js';
import { reportTables } from '../tables/index.js';
import type { Chart } from './charts/chart.js';
import { capacityOf } from '../../scenario/result/capacity-result.js';
import { capacityChart } from './charts/capacity.js';
import { costByBookChart } from './charts/cost-by-book.js';
import { latencyTimelineChart } from './charts/latency-timeline.js';
import { outcomesChart } from './charts/outcomes.js';
import { percentileSpectrumChart } from './charts/percentile-spectrum.js';
import { servedByChart } from './charts/served-by.js';
import { servingSpectrumChart } from './charts/serving-spectrum.js';
import { escapeHtml, slug } from './escape.js';
import { figureHtml } from './figure.js';
import { fleetHtml } from './fleet-html.js';
import { gatesHtml, headerHtml } from './header.js';
import { reportTableHtml } from './html-table.js';
import { runSectionsHtml } from './run-sections.js';
import { REPORT_CSS } from './style.js';

/** Nothing may be loaded from anywhere: the browser enforces what the renderer promises. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const HEADLINE_TABLE = 'configurations';

export async function renderHtml(result: RunResult): Promise<string> {
  const tables = reportTables(result);
  // The headline table (one row per configuration) goes first; the detailed tables after the charts.
  const headline = tables.filter((t) => t.id === HEADLINE_TABLE);
  // The page's sections in order, one entry each: a new section (the Fleet section, the capacity
  // chart) takes its own line here, before the vendor-style tables.
  const body = [
    headerHtml(result),
    ...headline.map(reportTableHtml),
    gatesHtml(result),
    await chartsHtml(result),
    runSectionsHtml(result),
    ...tables.filter((t) => t.id !== HEADLINE_TABLE).map(reportTableHtml),
    fleetHtml(result),
    '<footer>Written by relaybench from result.json. Every figure follows the metric definitions in the README (\u201cMetric definitions\u201d): ' +
      'latency from the intended start, slices by intended start, fault windows as the fault plane confirmed them.</footer>',
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`relaybench: ${result.scenario.name}`)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter((part) => part !== ''),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A single run: its timelines, spectrum and cost. A variants run: spectrum and cost across variants, then each variant's timelines. */
async function chartsHtml(result: RunResult): Promise<string> {
  const variants = result.variants ?? [];
  const runs =
    variants.length > 0
      ? variants.map((v) => ({ name: v.name, result: v.result }))
      : [{ name: result.scenario.name, result }];
  const across = [
    capacityChart(capacityOf(result)),
    percentileSpectrumChart(runs.map((r) => ({ name: r.name, aggregates: r.result.aggregates }))),
    costByBookChart(costByBook(result)),
    servingSpectrumChart(runs.map((r) => ({ name: r.name, serving: r.result.aggregates.serving }))),
  ].filter((c): c is Chart => c !== undefined);
  const parts = ['<section id="charts">', '<h2><a href="#charts">Charts</a></h2>'];
  if (variants.length === 0) {
    for (const chart of [...timelineCharts(result), ...across]) parts.push(await figureHtml(chart, { level: 3 }));
  } else {
    for (const chart of across) parts.push(await figureHtml(chart, { level: 3 }));
    for (const run of runs) {
      const id = `variant-${slug(run.name)}`;
      parts.push(
        `<section class="variant" id="${escapeHtml(id)}">`,
        `<h3><a href="#${escapeHtml(id)}">Variant ${escapeHtml(run.name)}</a></h3>`,
      );
      for (const chart of timelineCharts(run.result))
        parts.push(await figureHtml(chart, { level: 4, variant: run.name }));
      parts.push('</section>');
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

function timelineCharts(result: RunResult): Chart[] {
  const a = result.aggregates;
  return [latencyTimelineChart(a), servedByChart(a, result.scenario.target.chain ?? []), outcomesChart(a)];
}
