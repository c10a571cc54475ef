/**
 * Fault windows: the one shape of "a fault on a provider, from `atMs` for `forMs`" that the plan
 * (scenario), the fault timeline (chaos), the analysis (metrics) and the report share.
 */

/** A fault's place on the load clock as planned. */
export interface PlannedWindow {
  provider: string;
  /** The fault's name in reports (the scenario's `type`). */
  type: string;
  /** Scheduled onset and length, ms since load start. */
  atMs: number;
  forMs: number;
  /**
   * The window reaches past the load's end (or was written `for: until_end`): the timeline keeps
   * the fault until the load's requests in flight have drained, then removes it.
   */
  untilDrained?: boolean;
}

/** A fault as it really happened: when it was scheduled and when the fault plane confirmed it. */
export interface FaultWindow extends PlannedWindow {
  /** When the fault plane confirmed the fault was applied / removed (ms since load start). */
  appliedMs?: number;
  removedMs?: number;
}

/** The window's effective span: applied..removed, falling back to the schedule where unknown. */
export function effectiveSpan(window: FaultWindow, endOfRunMs: number): { startMs: number; endMs: number } {
  const startMs = window.appliedMs ?? window.atMs;
  const endMs = window.removedMs ?? (window.appliedMs !== undefined ? endOfRunMs : window.atMs + window.forMs);
  return { startMs, endMs };
}
