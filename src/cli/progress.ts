/**
 * Progress for long runs: a live line on a TTY, plain periodic lines elsewhere (CI logs).
 * Writes to stderr so stdout carries only the report. The line shows elapsed/total, offered vs
 * achieved rate (completions per second over the last few progress ticks), success, the current
 * p99 (from `observe`d records of the last 5 s; shown once the runner feeds records), faults, and
 * the schedule lag (p99, max) of the recent completions.
 */
import type { RequestRecord } from '../metrics/record.js';
import { RecentLag } from '../metrics/recent-lag.js';
import { RecentLatency } from '../metrics/recent-latency.js';
import type { RunEvent } from '../scenario/run/events.js';
import { formatMs } from '../units.js';

export interface ProgressOptions {
  /** The scenario's nominal arrival rate (req/s), shown as "offered"; unknown for a ramp. */
  offeredPerSecond?: number;
  /** Rolling window for achieved rate and p99. */
  windowMs?: number;
}

/** The event handler, plus `observe` for completed records (the current p99 needs them). */
export type ProgressPrinter = ((event: RunEvent) => void) & { observe(record: RequestRecord): void };

export function progressPrinter(
  stream: NodeJS.WriteStream = process.stderr,
  options: ProgressOptions = {},
): ProgressPrinter {
  const windowMs = options.windowMs ?? 5000;
  let rate = new RateWindow(options.offeredPerSecond, windowMs);
  const out = new ProgressStream(stream);
  const handle = (event: RunEvent): void => {
    switch (event.kind) {
      case 'configuration':
        // A new configuration (the scenario, or its next variant): its own rate, ticks and p99.
        rate = new RateWindow(event.offeredPerSecond, windowMs);
        out.restart();
        if (event.variant) {
          const { index, total, name } = event.variant;
          out.println(`relaybench: variant ${index + 1}/${total}: ${name}`);
        }
        return;
      case 'phase':
        out.println(`relaybench: ${event.message}`);
        return;
      case 'fault': {
        const e = event.event;
        const what = `${e.fault.type} on ${e.fault.provider}`;
        if (e.kind === 'error') out.println(`  fault ${what}: ERROR ${e.error.message}`);
        else out.println(`  fault ${what} ${e.kind} at ${(e.atMs / 1000).toFixed(2)} s`);
        return;
      }
      case 'cleanup-error':
        out.println(`  cleanup problem: ${event.message}`);
        return;
      case 'progress':
        out.progress(event.elapsedMs, rate.line(event));
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  };
  return Object.assign(handle, {
    observe: (record: RequestRecord) => {
      rate.recent.observe(record);
      rate.lag.observe(record);
    },
  });
}

/** One configuration's offered rate, recent ticks (achieved rate) and recent latencies (p99). */
class RateWindow {
  readonly recent: RecentLatency;
  /** Schedule lag of the recent completions (open model: how late the generator sent them). */
  readonly lag: RecentLag;
  private readonly ticks: Tick[] = [];

  constructor(
    private readonly offered: number | undefined,
    private readonly windowMs: number,
  ) {
    this.recent = new RecentLatency(windowMs);
    this.lag = new RecentLag(windowMs);
  }

  line(event: Extract<RunEvent, { kind: 'progress' }>): string {
    const done = event.ok + event.failed + event.dropped;
    const ticks = this.ticks;
    ticks.push({ elapsedMs: event.elapsedMs, done, ok: event.ok });
    while (ticks.length > 2 && ticks[0]!.elapsedMs < event.elapsedMs - this.windowMs) ticks.shift();
    const p99 = this.recent.percentile(99, event.elapsedMs);
    const lag = this.lag.summary(event.elapsedMs);
    return progressLine(event, done, achievedRate(ticks), this.offered, p99, lag, recentOkShare(ticks));
  }
}

/** A live line on a TTY (rewritten in place), a plain line every 5 s elsewhere; other lines close it. */
class ProgressStream {
  private readonly live: boolean;
  private lineOpen = false;
  private lastPlain = -Infinity;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.live = stream.isTTY === true;
  }

  /** A new configuration's load clock starts at 0 again. */
  restart(): void {
    this.lastPlain = -Infinity;
  }

  println(text: string): void {
    if (this.lineOpen) this.stream.write('\r\x1b[2K');
    this.lineOpen = false;
    this.stream.write(`${text}\n`);
  }

  progress(elapsedMs: number, text: string): void {
    if (this.live) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.lineOpen = true;
    } else if (elapsedMs - this.lastPlain >= 5000) {
      this.lastPlain = elapsedMs;
      this.println(text);
    }
  }
}

interface Tick {
  elapsedMs: number;
  done: number;
  ok: number;
}

/**
 * Share of successes among the requests completed between the oldest and newest tick kept (the
 * last few seconds); undefined before two ticks or without completions. The cumulative share
 * hides an outage that began a moment ago behind everything that went well before it.
 */
export function recentOkShare(ticks: readonly Tick[]): number | undefined {
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  if (!first || !last || last.done - first.done <= 0) return undefined;
  return (last.ok - first.ok) / (last.done - first.done);
}

/** Completions per second between the oldest and newest tick kept; undefined before two ticks. */
function achievedRate(ticks: readonly Tick[]): number | undefined {
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  if (!first || !last || last.elapsedMs - first.elapsedMs <= 0) return undefined;
  return ((last.done - first.done) * 1000) / (last.elapsedMs - first.elapsedMs);
}

/** One progress line; pure, so its format is tested without a stream. */
export function progressLine(
  event: Extract<RunEvent, { kind: 'progress' }>,
  done: number,
  achieved: number | undefined,
  offered: number | undefined,
  p99Us: number | undefined,
  lag?: { p99Ms: number; maxMs: number },
  recentOk?: number,
): string {
  const recent = recentOk === undefined ? '' : ` (recent ${(recentOk * 100).toFixed(1)}%)`;
  const success = done === 0 ? '—' : `${((event.ok / done) * 100).toFixed(1)}%${recent}`;
  const faults = event.activeFaults.length > 0 ? event.activeFaults.join(', ') : 'none';
  const rate = `rate ${offered === undefined ? '—' : `${round(offered)}/s`} offered, ${achieved === undefined ? '—' : `${round(achieved)}/s`} achieved`;
  const p99 = p99Us === undefined ? '' : `  p99 ${formatMs(p99Us / 1000)}`;
  const lagText = lag === undefined ? '' : `  schedule lag p99 ${formatMs(lag.p99Ms)} max ${formatMs(lag.maxMs)}`;
  return `  ${(event.elapsedMs / 1000).toFixed(0)}/${(event.totalMs / 1000).toFixed(0)} s  ${rate}  sent ${event.scheduled}  ok ${success}  failed ${event.failed}  dropped ${event.dropped}${p99}  faults: ${faults}${lagText}`;
}

function round(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}
