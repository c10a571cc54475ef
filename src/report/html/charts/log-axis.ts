/**
 * Tick values for a log-scale latency axis: 1-2-5 in every decade the values span. Vega's own
 * log ticks label every integer multiple (10, 20, 30 ... 90), which crowds a short axis.
 */
const STEPS = [1, 2, 5];

export function logTicks(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.ceil(Math.log10(Math.max(...positive)));
  const ticks: number[] = [];
  for (let decade = low; decade <= high; decade++) {
    for (const step of STEPS) ticks.push(+(step * 10 ** decade).toPrecision(1));
  }
  return ticks.filter((t) => t <= 10 ** high);
}

/** The y encoding of a latency axis in ms on a log scale, with {@link logTicks}. */
export function latencyAxis(values: readonly number[]): object {
  return {
    field: 'ms',
    type: 'quantitative',
    title: 'latency (ms, log scale)',
    scale: { type: 'log' },
    axis: { values: logTicks(values) },
  };
}
