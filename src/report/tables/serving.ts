/**
 * LLM serving metrics, one row per configuration and one per serving provider under it: TTFT,
 * ITL, TPOT, output tokens/s per request, output and total token throughput, and goodput against
 * the scenario's `slo:`. Left out when no configuration streamed and none states an SLO.
 */
import type { Aggregates } from '../../metrics/aggregate.js';
import type { ServingFigures } from '../../metrics/serving.js';
import type { ServingSlo } from '../../metrics/slo.js';
import { formatMs, percent } from '../../units.js';
import { configurationsOf } from '../configurations.js';
import { micros } from '../format.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

const HEADER = [
  'Configuration',
  'Served by',
  'TTFT p50',
  'ITL p50',
  'ITL p99',
  'TPOT p50',
  'TPOT p99',
  'Output tok/s per request p50',
  'Output tokens/s',
  'Total tokens/s',
  'Goodput',
];

export function servingTable(result: RunResult): ReportTable | undefined {
  const configurations = configurationsOf(result).filter(({ result: run }) => hasServingFigures(run.aggregates));
  if (configurations.length === 0) return undefined;
  const rows: string[][] = [];
  for (const { name, result: run } of configurations) {
    const a = run.aggregates;
    rows.push(row(name, 'all', a.ttft?.p50Us, a.serving!));
    for (const [provider, figures] of Object.entries(a.serving!.providers))
      rows.push(row(name, provider, a.providers[provider]?.ttft?.p50Us, figures));
  }
  const slo = configurations.map((c) => c.result.aggregates.serving?.slo).find((s) => s !== undefined);
  return {
    id: 'serving',
    title: 'LLM serving metrics',
    header: HEADER,
    rows,
    method:
      'Streams only for TTFT, ITL and TPOT. ITL = every gap between consecutive content chunks of every stream, pooled; ' +
      'TPOT = (latency − TTFT) / (output tokens − 1) per successful stream; output tok/s per request = output tokens / latency; ' +
      'throughput = tokens of the successes / load duration; tokens as the responses reported them (else one per content chunk). ' +
      `Goodput = share of scheduled requests (of those served, per provider) that succeeded and met every objective, and those per second${slo ? ` (slo: ${sloText(slo)}; itl judged by a request's largest gap)` : '; the scenario states no slo'}.`,
  };
}

function hasServingFigures(a: Aggregates): boolean {
  const s = a.serving;
  return s !== undefined && (s.itl !== undefined || s.tpot !== undefined || s.goodput !== undefined);
}

function row(name: string, scope: string, ttftUs: number | undefined, f: ServingFigures): string[] {
  const us = (value: number | undefined): string => (value === undefined ? '—' : micros(value));
  return [
    name,
    scope,
    us(ttftUs),
    us(f.itl?.p50Us),
    us(f.itl?.p99Us),
    us(f.tpot?.p50Us),
    us(f.tpot?.p99Us),
    f.outputTokensPerSecond ? f.outputTokensPerSecond.p50.toFixed(1) : '—',
    f.outputThroughput.toFixed(1),
    f.totalThroughput.toFixed(1),
    f.goodput ? `${percent(f.goodput.share)} (${f.goodput.ratePerSecond.toFixed(2)}/s)` : '—',
  ];
}

/** `ttft 500 ms, itl 50 ms, latency 5.00 s` */
export function sloText(slo: ServingSlo): string {
  const parts: string[] = [];
  if (slo.ttftMs !== undefined) parts.push(`ttft ${formatMs(slo.ttftMs)}`);
  if (slo.itlMs !== undefined) parts.push(`itl ${formatMs(slo.itlMs)}`);
  if (slo.tpotMs !== undefined) parts.push(`tpot ${formatMs(slo.tpotMs)}`);
  if (slo.latencyMs !== undefined) parts.push(`latency ${formatMs(slo.latencyMs)}`);
  return parts.join(', ');
}
