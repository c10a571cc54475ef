/**
 * How long each phase lasted on the load clock, so per-phase rates (goodput per second, token
 * throughput) divide by the phase's own time: baseline until the first fault onset, fault for the
 * union of the fault spans, recovery for the rest.
 */
export type PhaseName = 'baseline' | 'fault' | 'recovery';

export function phaseDurationsMs(
  spans: ReadonlyArray<{ startMs: number; endMs: number }>,
  durationMs: number,
): Record<PhaseName, number> {
  const clipped = spans
    .map((s) => ({ startMs: Math.max(0, s.startMs), endMs: Math.min(durationMs, s.endMs) }))
    .filter((s) => s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  let fault = 0;
  let coveredUntil = -Infinity;
  for (const span of clipped) {
    const from = Math.max(span.startMs, coveredUntil);
    if (span.endMs > from) fault += span.endMs - from;
    coveredUntil = Math.max(coveredUntil, span.endMs);
  }
  const baseline = clipped.length === 0 ? durationMs : Math.min(durationMs, clipped[0]!.startMs);
  return { baseline, fault, recovery: Math.max(0, durationMs - baseline - fault) };
}
