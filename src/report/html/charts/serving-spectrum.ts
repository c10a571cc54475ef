/**
 * ITL and TPOT percentile spectra: the pooled inter-token gaps and the per-stream time per output
 * token at every percentile, one line per configuration and metric, on the same log "nines" axis
 * as the latency spectrum. Read from the encoded HDR histograms (serving.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ServingStats } from '../../../metrics/serving.js';
import { CHART_SIZE, PALETTE, type Chart } from './chart.js';
import { latencyAxis } from './log-axis.js';
import { ninesAxis, spectrum } from './percentile-spectrum.js';

export interface ServingRun {
  name: string;
  serving: ServingStats | undefined;
}

/** Undefined when no configuration streamed (no ITL or TPOT recorded). */
export function servingSpectrumChart(runs: readonly ServingRun[]): Chart | undefined {
  const lines = runs.flatMap(({ name, serving }) => {
    const prefix = runs.length > 1 ? `${name} ` : '';
    return [
      ...(serving?.itlHistogram ? [{ line: `${prefix}ITL`, encoded: serving.itlHistogram }] : []),
      ...(serving?.tpotHistogram ? [{ line: `${prefix}TPOT`, encoded: serving.tpotHistogram }] : []),
    ];
  });
  if (lines.length === 0) return undefined;
  const values = lines.flatMap((l) => spectrum(l.line, l.encoded));
  const spec = {
    ...CHART_SIZE,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.75 },
    encoding: {
      x: ninesAxis(values),
      y: { ...latencyAxis(values.map((v) => v.ms)), title: 'ms (log scale)' },
      color: {
        field: 'variant',
        type: 'nominal',
        title: 'metric',
        scale: { domain: lines.map((l) => l.line), range: [...PALETTE.providers] },
      },
    },
  } as TopLevelSpec;
  return {
    id: 'serving-spectrum',
    title: 'Inter-token latency and time per output token',
    caption:
      'ITL = every gap between two consecutive content chunks of every stream, pooled into one HDR histogram (µs, 3 digits); ' +
      'TPOT = (latency \u2212 TTFT) / (output tokens \u2212 1), one value per successful stream. ' +
      'Each line gives the value at every percentile p on the log \u201cnines\u201d axis (50%, 90%, 99%\u2026 equally spaced), ending at its largest value.',
    spec,
  };
}
