/**
 * What a run tells its caller while it goes (the CLI's progress printer listens): phases, progress
 * ticks, fault steps as the fault plane confirmed them, cleanup problems, and the start of each
 * measured configuration (the scenario, or each of its variants in turn).
 */
import type { TimelineEvent } from '../../chaos/timeline.js';

export type RunEvent =
  | {
      kind: 'configuration';
      /** The scenario's nominal arrival rate (req/s); undefined for a closed model or a ramp. */
      offeredPerSecond: number | undefined;
      /** Set when the scenario has variants: which one starts now. */
      variant?: { index: number; total: number; name: string };
    }
  | { kind: 'phase'; message: string }
  | {
      kind: 'progress';
      elapsedMs: number;
      totalMs: number;
      scheduled: number;
      ok: number;
      failed: number;
      dropped: number;
      activeFaults: string[];
    }
  | { kind: 'fault'; event: TimelineEvent }
  | { kind: 'cleanup-error'; message: string };
