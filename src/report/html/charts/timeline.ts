/**
 * What the timeline charts share: the slice resolution they plot, the x axis (seconds since load
 * start, by intended start) and the fault-window layers (shading from the fault plane's confirmed
 * apply to its confirmed removal; a dashed rule where the faulted provider recovered).
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import type { Slice } from '../../../metrics/slices.js';
import { formatMs } from '../../../units.js';
import { breakerCaption, breakerMarkerLayers } from './breaker-markers.js';
import { PALETTE } from './chart.js';
import { topLabelLayers } from './top-labels.js';

/** Up to this many 250 ms slices (60 s of load) the fine timeline is plotted; beyond, 1 s slices. */
const MAX_FINE_SLICES = 240;
/** Count charts merge 1 s slices into wider bins beyond this many bars (counts add up exactly). */
const MAX_BARS = 300;
/** Fault labels: a darker red than the shading, readable on it. */
const FAULT_LABEL = '#b0413e';

export interface Timeline {
  slices: Slice[];
  sliceMs: number;
}

/** The slices a latency chart plots: the 250 ms ones for runs up to 60 s, else the 1 s ones. */
export function latencyTimeline(a: Aggregates): Timeline {
  return a.fineSlices.length <= MAX_FINE_SLICES
    ? { slices: a.fineSlices, sliceMs: a.fineSliceMs }
    : { slices: a.slices, sliceMs: a.sliceMs };
}

/** The slices a count chart plots: as {@link latencyTimeline}, with 1 s slices summed into wider bins when there are too many. */
export function countTimeline(a: Aggregates): Timeline {
  const base = latencyTimeline(a);
  const factor = Math.ceil(base.slices.length / MAX_BARS);
  if (factor <= 1) return base;
  const slices: Slice[] = [];
  for (let i = 0; i < base.slices.length; i += factor) slices.push(mergeSlices(base.slices.slice(i, i + factor)));
  return { slices, sliceMs: base.sliceMs * factor };
}

/** "250 ms slice" / "1 s slice": how the captions name the resolution. */
export function sliceLabel(t: Timeline): string {
  return t.sliceMs < 1000 ? `${t.sliceMs} ms slice` : `${t.sliceMs / 1000} s slice`;
}

/** The x encoding every timeline shares: seconds since load start, over the whole run. */
export function timeAxis(t: Timeline): {
  type: 'quantitative';
  title: string;
  scale: { domain: number[]; nice: false };
} {
  return {
    type: 'quantitative',
    title: 'seconds since load start (intended start)',
    scale: { domain: [0, (t.slices.length * t.sliceMs) / 1000], nice: false },
  };
}

/**
 * The fault layers of a timeline: `under` the data, one shaded rect per fault window; `over` it,
 * one dashed rule per recovery, the relay's breaker transitions and the labels (so bars filling a
 * slice never hide them).
 */
export function faultLayers(a: Aggregates, t: Timeline): { under: object[]; over: object[] } {
  const axisEnd = (t.slices.length * t.sliceMs) / 1000;
  if (a.windows.length === 0) return { under: [], over: breakerMarkerLayers(a, axisEnd) };
  const windows = a.windows.map((w) => ({
    start: w.startMs / 1000,
    // A window held until the load's requests drained ends after the axis does: shaded to its end.
    end: Math.min(axisEnd, w.endMs / 1000),
    label: `${w.type} on ${w.provider}`,
  }));
  const recoveries = a.windows
    .filter((w) => w.recoveryMs !== undefined)
    .map((w) => ({
      at: (w.endMs + w.recoveryMs!) / 1000,
      label: `${w.provider} recovered (+${formatMs(w.recoveryMs!)})`,
    }));
  const labels = [
    ...windows.map((w) => ({ x: w.start, text: w.label, color: FAULT_LABEL })),
    ...recoveries.map((r) => ({ x: r.at, text: r.label, color: PALETTE.recovery })),
  ];
  return {
    under: [
      {
        data: { values: windows },
        mark: { type: 'rect', color: PALETTE.fault, opacity: 0.12 },
        encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } },
      },
    ],
    over: [
      ...(recoveries.length === 0
        ? []
        : [
            {
              data: { values: recoveries },
              mark: { type: 'rule', color: PALETTE.recovery, strokeDash: [5, 3], strokeWidth: 1.5 },
              encoding: { x: { field: 'at', type: 'quantitative' } },
            },
          ]),
      ...breakerMarkerLayers(a, axisEnd),
      ...topLabelLayers(labels, axisEnd),
    ],
  };
}

/** A caption sentence for the fault layers, naming the windows that did not recover in the run. */
export function faultCaption(a: Aggregates): string {
  return windowsCaption(a) + breakerCaption(a);
}

function windowsCaption(a: Aggregates): string {
  if (a.windows.length === 0) return 'No fault windows in this run.';
  const open = a.windows.filter((w) => w.recoveryMs === undefined).map((w) => `${w.type} on ${w.provider}`);
  return (
    'Shaded: fault windows, from the fault plane\u2019s confirmed apply to its confirmed removal. ' +
    'Dashed line: recovery, at fault end + recovery time (the start of the first 250 ms slice in which the faulted provider again serves at least 50% of its pre-fault share of successes).' +
    (open.length > 0 ? ` Not recovered within the run: ${open.join(', ')}.` : '')
  );
}

function mergeSlices(group: readonly Slice[]): Slice {
  const merged: Slice = {
    startMs: group[0]!.startMs,
    offered: 0,
    ok: 0,
    failed: 0,
    dropped: 0,
    failedByKind: {},
    servedBy: {},
  };
  for (const s of group) {
    merged.offered += s.offered;
    merged.ok += s.ok;
    merged.failed += s.failed;
    merged.dropped += s.dropped;
    addCounts(merged.failedByKind as Record<string, number>, s.failedByKind as Record<string, number>);
    addCounts(merged.servedBy, s.servedBy);
  }
  return merged;
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}
