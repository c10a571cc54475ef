/**
 * Disruption and recovery per fault window, from fine slices (definitions in the README):
 * - disruption = fault onset -> start of the first run of `runSlices` consecutive slices (default
 *   4 x 250 ms) at >= 99% success; how long clients saw failures.
 * - recovery = fault end -> start of the first slice in which the faulted provider again serves
 *   >= 50% of its pre-fault share of successes; how long the relay took to come back to it. The
 *   pre-fault share is measured before the provider's first fault of the run: an earlier outage
 *   (and the relay's ramp after it) would otherwise lower the bar for the next one.
 */
import type { Slice } from './slices.js';

export const RECOVERY_DEFAULTS = Object.freeze({ sliceMs: 250, runSlices: 4, healthyRatio: 0.99, shareFraction: 0.5 });

/** ms from `onsetMs` to the start of the first healthy run, or undefined if none began. */
export function disruptionMs(
  slices: readonly Slice[],
  sliceMs: number,
  onsetMs: number,
  runSlices = RECOVERY_DEFAULTS.runSlices,
): number | undefined {
  const first = Math.floor(onsetMs / sliceMs);
  let run = 0;
  for (let i = first; i < slices.length; i++) {
    run = isHealthy(slices[i]!) ? run + 1 : 0;
    if (run === runSlices) return Math.max(0, (i - runSlices + 1) * sliceMs - onsetMs);
  }
  return undefined;
}

/**
 * ms from `endMs` to the first slice where `provider` is back at half its pre-fault share, the
 * share it had before `firstOnsetMs` (its first fault in the run; this window's onset by default).
 */
export function recoveryMs(
  slices: readonly Slice[],
  sliceMs: number,
  provider: string,
  onsetMs: number,
  endMs: number,
  firstOnsetMs = onsetMs,
): number | undefined {
  const before = shareOf(slices.slice(0, Math.floor(Math.min(onsetMs, firstOnsetMs) / sliceMs)), provider);
  if (before === undefined || before === 0) return undefined;
  for (let i = Math.ceil(endMs / sliceMs); i < slices.length; i++) {
    const share = shareOf([slices[i]!], provider);
    if (share !== undefined && share >= before * RECOVERY_DEFAULTS.shareFraction) return i * sliceMs - endMs;
  }
  return undefined;
}

/**
 * True when `provider` served nothing before its first fault (before `firstOnsetMs`): it has no
 * share to regain, so "not recovered" would be false; reports say "n/a" instead.
 */
export function servedNothingBefore(
  slices: readonly Slice[],
  sliceMs: number,
  provider: string,
  onsetMs: number,
  firstOnsetMs = onsetMs,
): boolean {
  const before = shareOf(slices.slice(0, Math.floor(Math.min(onsetMs, firstOnsetMs) / sliceMs)), provider);
  return before === undefined || before === 0;
}

/** Share of time slices (with traffic) whose success ratio is >= 99%. */
export function sliceAvailability(slices: readonly Slice[]): number | undefined {
  const withTraffic = slices.filter((s) => s.offered > 0);
  if (withTraffic.length === 0) return undefined;
  return withTraffic.filter(isHealthy).length / withTraffic.length;
}

function isHealthy(slice: Slice): boolean {
  return slice.offered === 0 || slice.ok / slice.offered >= RECOVERY_DEFAULTS.healthyRatio;
}

function shareOf(slices: readonly Slice[], provider: string): number | undefined {
  let ok = 0;
  let mine = 0;
  for (const slice of slices) {
    ok += slice.ok;
    mine += slice.servedBy[provider] ?? 0;
  }
  return ok === 0 ? undefined : mine / ok;
}
