/**
 * Driving the scenario's load at a target: open model (runOpenModel on the schedule) or closed
 * model (runClosedModel with `connections` clients), each with the request mix and the seed.
 * The warmup is the same kind of traffic for `warmup` ms (open model at the nominal rate), its
 * records discarded; the recorded load and the fault clock start after it.
 */
import { runClosedModel } from '../../load/closed-model.js';
import { runOpenModelInWorkers } from '../../load/worker-load.js';
import { runOpenModel } from '../../load/open-model.js';
import type { EncodedItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import { scheduleLagOf, type ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import type { DialOptions } from '../../net/dial.js';
import type { LoadSpec } from '../schema/load-schema.js';
import type { BudgetGuard } from './budget-guard.js';
import type { Spread } from '../../load/replica-spread.js';
import type { LoadShare } from '../../load/load-share.js';

export interface DriveOptions {
  baseUrl: string;
  /** Path of chat completions under `baseUrl` (default `/v1/chat/completions`). */
  chatPath?: string | undefined;
  /** Dialling through a fault-plane proxy (a provider called directly at its own URL). */
  dial?: DialOptions | undefined;
  /** A gateway's response header naming the serving provider. */
  providerHeader?: string | undefined;
  /** A fleet's replica base URLs (more than one): the load spreads over them instead of `baseUrl`. */
  replicas?: readonly string[] | undefined;
  /** How: `round_robin` (default) or `random`. */
  spread?: Spread | undefined;
  load: LoadSpec;
  seed: number;
  /** A shard run: only this share of the schedule is sent, from the shared start instant. */
  share?: LoadShare | undefined;
  /** Keep the chosen response headers on each record (open model), for `--records`. */
  keepHeaders?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** The spend guard: once it is reached, nothing more is sent; requests in flight finish and are recorded. */
  budget?: BudgetGuard | undefined;
  onStart?(origin: number): void;
  onRecord(record: RequestRecord): void;
}

export interface DriveResult {
  mode: 'open-model' | 'closed-model';
  scheduled: number;
  interrupted: boolean;
  /** Closed model: requests in flight when the time was up (not recorded). */
  abandoned?: number;
  /** Open model: p99 schedule lag and whether it crossed the threshold. */
  lagWarning?: boolean;
  /** Open model: the generator's schedule lag (p50, p99, max, histogram). */
  scheduleLag?: ScheduleLag;
  /** Open model: every stream's inter-token gaps, pooled. */
  itl?: EncodedItl;
  /** A shard run: how late after the shared start it began (ms), and the arrivals it missed (dropped). */
  lateByMs?: number;
  missed?: number;
}

export async function driveLoad(options: DriveOptions): Promise<DriveResult> {
  const { load } = options;
  const { budget } = options;
  const common = {
    baseUrl: options.baseUrl,
    mix: load.mix,
    seed: options.seed,
    signal: options.signal,
    onRecord: options.onRecord,
    // Asked after each record (the guard meters it first) and, in the open model, before each send.
    ...(budget ? { mayContinue: () => !budget.reached } : {}),
  };
  if (load.mode === 'closed') {
    if (options.share !== undefined)
      throw new Error('a shard run needs the open model (load.rate): closed-model connections cannot be split');
    if (options.chatPath !== undefined || options.dial !== undefined)
      throw new Error('the closed model cannot call a provider at its own URL through its proxy; use the open model');
    if ((options.replicas?.length ?? 0) > 1)
      throw new Error('the closed model cannot spread over replicas; use the open model (load.rate)');
    const run = await runClosedModel({
      ...common,
      connections: load.connections,
      providerHeader: options.providerHeader,
      durationMs: load.duration,
      timeoutMs: load.timeout,
      ...(options.onStart ? { onStart: options.onStart } : {}),
    });
    return { mode: run.mode, scheduled: run.scheduled, interrupted: run.interrupted, abandoned: run.abandoned };
  }
  const open = {
    ...common,
    chatPath: options.chatPath,
    dial: options.dial,
    providerHeader: options.providerHeader,
    keepHeaders: options.keepHeaders,
    replicas: (options.replicas?.length ?? 0) > 1 ? options.replicas : undefined,
    spread: options.spread,
    schedule: load.schedule!,
    timeoutMs: load.timeout,
    maxInFlight: load.max_in_flight,
    durationMs: load.duration,
    ...(options.onStart ? { onStart: options.onStart } : {}),
  };
  const { share } = options;
  const run =
    load.workers > 1
      ? await runOpenModelInWorkers({
          ...withoutMayContinue(open),
          workers: load.workers,
          share,
          // Threads cannot call back here: they share a spend counter instead.
          ...(budget ? { spendLimit: budget.sharedLimit() } : {}),
        })
      : await runOpenModel(share === undefined ? open : { ...open, ...ownShare(share) });
  return {
    mode: run.mode,
    scheduled: run.scheduled,
    interrupted: run.interrupted,
    lagWarning: run.lagWarning,
    scheduleLag: scheduleLagOf(run),
    itl: run.itl,
    ...(run.missed === undefined ? {} : { lateByMs: run.lateByMs ?? 0, missed: run.missed }),
  };
}

/** One process sending a shard's share: the schedule's partition, from the shared start. */
function ownShare(share: LoadShare): {
  partition: { index: number; count: number };
  originEpochMs: number;
  dropMissed: true;
} {
  return {
    partition: { index: share.index, count: share.count },
    originEpochMs: share.originEpochMs,
    dropMissed: true,
  };
}

function withoutMayContinue<T extends { mayContinue?: unknown }>(options: T): Omit<T, 'mayContinue'> {
  const { mayContinue: _, ...rest } = options;
  return rest;
}

/** The warmup: records discarded. Resolves once every warmup request has ended. */
export async function warmUp(options: Omit<DriveOptions, 'onRecord' | 'onStart'>): Promise<void> {
  const { load } = options;
  if (load.warmup <= 0) return;
  const warm: LoadSpec =
    load.mode === 'closed'
      ? { ...load, duration: load.warmup }
      : {
          ...load,
          duration: load.warmup,
          schedule: { kind: 'constant', rate: warmupRate(load), durationMs: load.warmup },
        };
  await driveLoad({ ...options, budget: undefined, load: warm, seed: options.seed + 1, onRecord: () => {} });
}

/** The warmup's rate: the nominal one, except that a sweep warms up at its first step (not at its last). */
function warmupRate(load: LoadSpec): number {
  return load.schedule?.kind === 'sweep' ? load.schedule.from : load.rate;
}
