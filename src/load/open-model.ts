/**
 * Open-model load: requests start on an arrival schedule (constant, Poisson, ramping, spike; see
 * schedule.ts), whatever happened to earlier requests, and latency counts from each intended
 * start, so a stalled target shows up in full (no coordinated omission). Arrivals that find
 * `maxInFlight` requests outstanding are recorded as dropped, never delayed. Each arrival's
 * request comes from a seeded mix (request-mix.ts); schedule lag is measured and reported.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ItlRecorder, itlSlotMs, type EncodedItl } from '../metrics/itl-histograms.js';
import type { RequestRecord } from '../metrics/record.js';
import { connectorFor, type DialOptions } from '../net/dial.js';
import type { ArrivalSchedule } from './arrivals.js';
import { LoadOptionError } from './load-errors.js';
import { createRequestMix, type RequestMix, type RequestMixSpec } from './request-mix.js';
import { createSchedule, type ScheduleSpec } from './schedule.js';
import { traceMix, traceSpanMs } from './trace.js';
import { LagMonitor, type LagReport } from './schedule-lag.js';
import { replicaChooser, type Spread } from './replica-spread.js';
import { CHAT_PATH, INTERRUPTED, planFields, sendRequest, type SendContext } from './send-request.js';

export interface OpenModelOptions {
  /** Base URL of the target, e.g. http://127.0.0.1:4000 */
  baseUrl: string;
  /** Path requests are posted to; default `/v1/chat/completions`. */
  chatPath?: string | undefined;
  /**
   * A fleet: base URLs of its replicas, used instead of `baseUrl`. Each arrival goes to one, as
   * `spread` says, and its record carries the replica's index (`replica`).
   */
  replicas?: readonly string[] | undefined;
  /** How arrivals are spread over `replicas`: `round_robin` (default) or `random` (seeded). */
  spread?: Spread | undefined;
  /** How to dial `baseUrl` when it sits behind a fault-plane proxy (its host stays the TLS name). */
  dial?: DialOptions | undefined;
  /** A response header naming the serving provider (besides x-relay-provider and x-mock-provider). */
  providerHeader?: string | undefined;
  /** The arrival schedule; a spec, or any ascending iterable of intended times (ms since start). */
  schedule?: ScheduleSpec | ArrivalSchedule;
  /** Shorthand for `schedule: { kind: 'constant', rate, durationMs }` when `schedule` is absent. */
  ratePerSecond?: number;
  durationMs?: number;
  /** Client deadline per request, counted from its intended start. */
  timeoutMs: number;
  maxInFlight: number;
  /** What each request asks for. Without it: `model` and `maxTokens`, no stream, a short greeting. */
  mix?: RequestMixSpec;
  model?: string;
  maxTokens?: number;
  /** Keep the chosen response headers on each record (load/record-headers.ts), for `--records`. */
  keepHeaders?: boolean | undefined;
  /** Seeds Poisson arrivals and the mix (default 0). */
  seed?: number;
  /** p99 schedule lag above this sets `lagWarning` (default 5 ms). */
  lagThresholdMs?: number;
  /** Width of the ITL histograms' time slots (default from the load's length: itl-histograms.ts). */
  itlSlotMs?: number;
  /**
   * `timer` (default): wake with setTimeout (~1 ms granularity) and send every arrival that is due;
   * latency still counts from each intended start. `poll`: busy-poll the last 2 ms before an
   * arrival for sub-millisecond sends, at the cost of a whole core (steals CPU from the system
   * under test on a small machine, so only for measuring the generator itself).
   */
  precision?: 'timer' | 'poll';
  /**
   * This generator's share when several run side by side (worker threads): arrival `seq` is sent
   * here when `seq % count === index`. Every arrival still draws its request from the mix, so the
   * requests are exactly those of a single generator.
   */
  partition?: { index: number; count: number };
  /** Wall-clock time (epoch ms) at which load starts, so generators in several threads share one clock. */
  originEpochMs?: number;
  /**
   * With `originEpochMs`: a generator that starts after the origin records every arrival that was
   * due before it started as dropped (`missed`) instead of sending them all at once (shards
   * started late by their orchestrator).
   */
  dropMissed?: boolean;
  /** Stops scheduling; requests in flight get `interruptGraceMs` to finish. */
  signal?: AbortSignal;
  /**
   * Asked before each arrival is sent and after each record: once false, scheduling ends as if
   * the schedule had (a spend limit); requests in flight still run to their deadline and count.
   */
  mayContinue?: () => boolean;
  interruptGraceMs?: number;
  /** Called with the load's time origin (performance.now()) just before the first request. */
  onStart?(startedAt: number): void;
  /** Receives each record as soon as its request ends. */
  onRecord(record: RequestRecord): void;
}

export interface OpenModelRun extends LagReport {
  mode: 'open-model';
  /** performance.now() at the start of load; record times are relative to it. */
  startedAt: number;
  /** Requests that were due before the end (or the interrupt): ok + failed + dropped. */
  scheduled: number;
  interrupted: boolean;
  /** Inter-token gaps of every stream, pooled (itl-histograms.ts). */
  itl: EncodedItl;
  /** With `dropMissed`: how late after the origin this generator started (ms, 0 if on time) ... */
  lateByMs?: number;
  /** ... and its arrivals due before then, recorded as dropped without being sent. */
  missed?: number;
}

/** setTimeout cannot wake sooner than 1 ms and often overshoots: closer than this, poll instead. */
const POLL_WITHIN_MS = 2;

/** Runs the schedule to the end and resolves once every scheduled request has a record. */
export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelRun> {
  const schedule = resolveSchedule(options);
  const nextPlan = resolveMix(options);
  const connect = options.dial === undefined ? undefined : connectorFor(options.dial);
  const fleet = options.replicas !== undefined && options.replicas.length > 0 ? options.replicas : undefined;
  const pools = (fleet ?? [options.baseUrl]).map(
    (url) =>
      new Pool(url, {
        connections: options.maxInFlight,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        ...(connect === undefined ? {} : { connect }),
      }),
  );
  const replicaOf = replicaChooser(options.spread ?? 'round_robin', pools.length, options.seed ?? 0);
  const inFlight = new Set<Promise<void>>();
  const lag = new LagMonitor(options.lagThresholdMs);
  const itl = new ItlRecorder(options.itlSlotMs ?? itlSlotMs(options.durationMs ?? scheduleSpan(options.schedule)));
  // performance.timeOrigin is epoch ms, so an epoch origin maps onto this thread's clock exactly.
  const startedAt =
    options.originEpochMs === undefined ? performance.now() : options.originEpochMs - performance.timeOrigin;
  const { index, count } = options.partition ?? { index: 0, count: 1 };
  const ctx: SendContext = {
    pool: pools[0]!,
    startedAt,
    timeoutMs: options.timeoutMs,
    controllers: new Set(),
    chatPath: options.chatPath ?? CHAT_PATH,
    providerHeader: options.providerHeader,
    itl,
    keepHeaders: options.keepHeaders,
  };
  // One context per replica, sharing the controllers so an interrupt reaches every request.
  const contexts = pools.map((pool) => ({ ...ctx, pool }));
  options.onStart?.(startedAt);
  // A late start: what was due before now was missed, and is dropped rather than sent in a burst.
  const lateByMs = options.dropMissed === true ? Math.max(0, performance.now() - startedAt) : 0;
  let missed = 0;
  let scheduled = 0;
  let seq = 0;
  const mayContinue = options.mayContinue ?? ((): boolean => true);
  // Set while the schedule runs: ends it at once when a record says no more may be sent.
  let endSchedule: (() => void) | undefined;
  const onRecord = (record: RequestRecord): void => {
    options.onRecord(record);
    if (!mayContinue()) endSchedule?.();
  };

  const fire = (seq: number, intendedMs: number): void => {
    const plan = nextPlan(); // drawn for drops too, so the mix never depends on the target
    if (seq % count !== index) return; // another generator's arrival
    scheduled++;
    const sentMs = performance.now() - startedAt;
    if (intendedMs < lateByMs) missed++;
    else lag.record(sentMs - intendedMs);
    if (intendedMs < lateByMs || inFlight.size >= options.maxInFlight) {
      options.onRecord({
        seq,
        intendedMs,
        sentMs: intendedMs,
        endMs: intendedMs,
        outcome: 'dropped',
        ...planFields(plan),
      });
      return;
    }
    const replica = replicaOf(seq);
    const sent = sendRequest(contexts[replica]!, seq, intendedMs, sentMs, plan);
    const done = (fleet === undefined ? sent : sent.then((record) => ({ ...record, replica }))).then(onRecord);
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  try {
    await new Promise<void>((resolve) => {
      const poll = options.precision === 'poll';
      const arrivals = schedule[Symbol.iterator]();
      let next = arrivals.next();
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        endSchedule = undefined;
        resolve();
      };
      endSchedule = finish;
      const tick = (): void => {
        if (options.signal?.aborted || !mayContinue()) return finish();
        const elapsed = performance.now() - startedAt;
        // Fire everything that is due; a late wake-up catches up instead of shifting the schedule.
        while (!next.done && next.value <= elapsed) {
          if (!mayContinue()) return finish();
          fire(seq++, next.value);
          next = arrivals.next();
        }
        if (next.done) return finish();
        const wait = next.value - (performance.now() - startedAt);
        // Polling with setImmediate still lets I/O run between polls; the timer covers long waits.
        if (!poll) timer = setTimeout(tick, Math.max(1, wait));
        else if (wait > POLL_WITHIN_MS) timer = setTimeout(tick, wait - POLL_WITHIN_MS / 2);
        else immediate = setImmediate(tick);
      };
      timer = setTimeout(tick, Math.max(0, startedAt - performance.now()));
      options.signal?.addEventListener('abort', finish, { once: true });
    });
    await settle(inFlight, ctx, options);
    const interrupted = options.signal?.aborted ?? false;
    const late = options.dropMissed === true ? { lateByMs, missed } : {};
    return { mode: 'open-model', startedAt, scheduled, interrupted, ...lag.finish(), itl: itl.finish(), ...late };
  } finally {
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}

/**
 * Waits for the requests in flight. Once the signal aborts (before or while waiting), they get
 * `interruptGraceMs` more, then are cut as interrupted.
 */
async function settle(inFlight: Set<Promise<void>>, ctx: SendContext, options: OpenModelOptions): Promise<void> {
  let grace: NodeJS.Timeout | undefined;
  const cutOff = (): void => {
    grace = setTimeout(() => {
      for (const controller of ctx.controllers) controller.abort(INTERRUPTED);
    }, options.interruptGraceMs ?? 2000);
  };
  if (options.signal?.aborted) cutOff();
  else options.signal?.addEventListener('abort', cutOff, { once: true });
  try {
    await Promise.allSettled([...inFlight]);
  } finally {
    clearTimeout(grace);
    options.signal?.removeEventListener('abort', cutOff);
  }
}

/** The schedule's length when its spec states one (for the ITL slot width). */
function scheduleSpan(schedule: OpenModelOptions['schedule']): number | undefined {
  if (schedule === undefined || Symbol.iterator in schedule) return undefined;
  if (schedule.kind === 'ramping') return schedule.stages.reduce((sum, stage) => sum + stage.duration, 0);
  if (schedule.kind === 'trace') return traceSpanMs(schedule);
  return schedule.durationMs;
}

function resolveSchedule(options: OpenModelOptions): ArrivalSchedule {
  const { schedule } = options;
  if (schedule !== undefined) return Symbol.iterator in schedule ? schedule : createSchedule(schedule, options.seed);
  if (options.ratePerSecond === undefined || options.durationMs === undefined) {
    throw new LoadOptionError('schedule', undefined, 'a schedule, or ratePerSecond and durationMs');
  }
  return createSchedule(
    { kind: 'constant', rate: options.ratePerSecond, durationMs: options.durationMs },
    options.seed,
  );
}

function resolveMix(options: OpenModelOptions): RequestMix {
  const { schedule } = options;
  // A trace says what each arrival asks for; the mix fills in what it leaves out.
  if (schedule !== undefined && !(Symbol.iterator in schedule) && schedule.kind === 'trace')
    return traceMix(schedule, baseMix(options));
  return baseMix(options);
}

function baseMix(options: OpenModelOptions): RequestMix {
  if (options.mix) return createRequestMix(options.mix, options.seed);
  if (options.model === undefined || options.maxTokens === undefined)
    throw new LoadOptionError('mix', undefined, 'a request mix, or model and maxTokens');
  return createRequestMix({ models: options.model, maxTokens: options.maxTokens }, options.seed);
}
