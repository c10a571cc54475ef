/**
 * The relay's own breaker and cooldown events (`GET /relay/events`) on the load timeline.
 * The relay stamps events with its own clock (`performance.now()` in its process); the caller
 * supplies `offsetMs`, the relay clock's reading at load start, and every time shifts by it.
 * Entries that are not well-formed events are skipped: the endpoint may belong to any relay. Pure.
 */

export type RelayTimelineEvent = (
  | { type: 'breaker'; target: string; atMs: number; from: string; to: string }
  | { type: 'cooldown'; target: string; atMs: number; untilMs: number; reason: string }
) & {
  /** The fleet replica (0-based) that emitted it, when the target is a fleet. */
  replica?: number;
};

/**
 * Maps relay events onto load time (ms since load start), oldest first.
 * @param events the `data` array of `GET /relay/events`
 * @param offsetMs relay clock at load start: `relayTimeOrigin`-based reading, see the runner note
 */
export function relayEventsOnLoadTime(events: readonly unknown[], offsetMs: number): RelayTimelineEvent[] {
  const mapped: RelayTimelineEvent[] = [];
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.target !== 'string' || typeof e.at !== 'number' || !Number.isFinite(e.at)) continue;
    const atMs = e.at - offsetMs;
    if (e.type === 'breaker' && typeof e.from === 'string' && typeof e.to === 'string') {
      mapped.push({ type: 'breaker', target: e.target, atMs, from: e.from, to: e.to });
    } else if (e.type === 'cooldown' && typeof e.untilMs === 'number') {
      mapped.push({
        type: 'cooldown',
        target: e.target,
        atMs,
        untilMs: e.untilMs - offsetMs,
        reason: typeof e.reason === 'string' ? e.reason : 'unknown',
      });
    }
  }
  return mapped.sort((a, b) => a.atMs - b.atMs);
}

/**
 * The offset for `relayEventsOnLoadTime` from two processes' clocks: the relay's
 * `performance.timeOrigin` (epoch ms) and the harness's epoch time of load start.
 */
export function relayClockOffset(relayTimeOriginMs: number, loadStartEpochMs: number): number {
  return loadStartEpochMs - relayTimeOriginMs;
}
