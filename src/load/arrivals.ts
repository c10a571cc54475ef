/**
 * Arrival processes: turn a rate profile into intended start times (ms since load start), lazily
 * and in order. `uniform` places arrival i where the expected count reaches i (request i of a
 * constant rate is due at i / rate, like k6's arrival-rate executors); `poisson` draws unit
 * exponential gaps in expected-count space, which by time rescaling gives a (non-homogeneous)
 * Poisson process following the profile's rate. Pure and seeded: same profile and seed, same times.
 */
import { seededRandom, type Random } from '../random.js';
import { offsetForCount, segmentArrivals, type RateProfile } from './rate-profile.js';

export type ArrivalProcess = 'uniform' | 'poisson';

/** Intended start times in ms since load start, ascending, all before the profile's end. */
export type ArrivalSchedule = Iterable<number>;

/** Guards `floor` against float noise such as 0.1 * 3 * 10 = 2.9999999999999996. */
const EPSILON = 1e-9;

export function* arrivalTimes(
  profile: RateProfile,
  process: ArrivalProcess,
  seed = 0,
): Generator<number, void, undefined> {
  const random: Random | undefined = process === 'poisson' ? seededRandom(seed) : undefined;
  const total = profile.reduce((sum, s) => sum + segmentArrivals(s), 0);
  // Uniform: counts 0, 1, 2 ... below floor(total). Poisson: cumulative sums of Exp(1) below total.
  const last = process === 'uniform' ? Math.floor(total + EPSILON) : total;
  let next = random ? exponential(random) : 0;
  let segmentIndex = 0;
  let before = 0; // expected arrivals in the segments before the current one
  while (next < last) {
    let segment = profile[segmentIndex];
    // Advance to the segment that holds the `next`-th expected arrival (skips zero-rate segments).
    while (segment && next >= before + segmentArrivals(segment) - (process === 'uniform' ? EPSILON : 0)) {
      if (segmentIndex === profile.length - 1) break;
      before += segmentArrivals(segment);
      segment = profile[++segmentIndex];
    }
    if (!segment) return;
    yield segment.startMs + offsetForCount(segment, next - before);
    next = random ? next + exponential(random) : next + 1;
  }
}

function exponential(random: Random): number {
  return -Math.log(1 - random()); // 1 - u is in (0, 1], so the log is finite
}
