/**
 * A scenario's `load:`: how requests arrive (open model: a schedule; closed model: connections)
 * and what each one asks for (the request mix), in human units.
 *
 * ```yaml
 * load:
 *   rate: 50/s                   # shorthand for schedule: { kind: constant, rate: 50/s }
 *   duration: 20s                # not needed for a ramping schedule (the stages' sum)
 *   schedule:                    # instead of rate
 *     kind: spike                # constant | poisson | ramping | spike | sweep
 *     rate: 50/s                 # constant, poisson, spike (base rate)
 *     factor: 40                 # spike: x40 ...
 *     at: 10s                    # ... from 10 s ...
 *     for: 30s                   # ... for 30 s
 *     # ramping: start_rate: 0/s, stages: [{ duration: 10s, target: 200/s }, ...]
 *     # sweep: from: 100/s, to: 3000/s, steps: 10, step_duration: 10s, spacing: linear | geometric
 *     arrivals: poisson          # ramping, spike: uniform (default) or poisson
 *   trace: fixtures/traces/sample.jsonl   # instead of rate/schedule: replay a trace's arrivals (load/trace-file.ts)
 *   time_scale: 1                # trace only: 2 = twice as slow; duration (optional) cuts the trace short
 *   warmup: 2s                   # before load: same traffic, not recorded, faults' clock not started
 *   mode: open                   # open (default) | closed (max throughput, `connections` clients)
 *   connections: 10              # closed mode only
 *   timeout: 10s
 *   max_in_flight: 1000
 *   workers: 1                   # open mode: generator threads (more when a run reports schedule lag)
 *   mix:                         # instead of model + max_tokens
 *     models: [{ value: gpt-4.1-mini, weight: 3 }, { value: gpt-4.1, weight: 1 }]
 *     prompts: fixtures/prompts/mixed.json   # or a list of strings / { text, weight }
 *     stream_ratio: 0.3
 *     max_tokens: { min: 16, max: 256 }      # or 64, or [{ value: 64, weight: 3 }, ...]
 *     keys: [{ name: team-a, token: sk-a, weight: 2 }]
 * ```
 */
import { z } from 'zod';
import type { RequestMixSpec, MaxTokensSpec } from '../../load/request-mix.js';
import type { PromptInput } from '../../load/prompt-set.js';
import type { ScheduleSpec } from '../../load/schedule.js';
import { duration, rate } from './units.js';
import { checkSweep, sweepDurationMs, sweepFields, SWEEP_FIELDS, toSweep } from './sweep-schema.js';

const weight = z.number().positive().default(1);

const schedule = z.strictObject({
  /** `constant` (evenly spaced), `poisson` (random, same mean), `ramping` (k6 stages) or `spike`. */
  kind: z.enum(['constant', 'poisson', 'ramping', 'spike', 'sweep']),
  /** constant, poisson, spike: the (base) rate. Default: `load.rate`. */
  rate: rate().optional(),
  /** ramping: the rate at the start of the first stage. Default 0/s. */
  start_rate: rate({ allowZero: true }).optional(),
  /** ramping: reach `target` over `duration`, stage after stage (linear in between). */
  stages: z
    .array(z.strictObject({ duration: duration(), target: rate({ allowZero: true }) }))
    .min(1)
    .optional(),
  /** spike: the multiplier during the spike (40 for x40). */
  factor: z.number().nonnegative().optional(),
  /** spike: onset of the spike, from the start of load. */
  at: duration().optional(),
  /** spike: length of the spike. */
  for: duration().optional(),
  ...sweepFields,
  /** ramping, spike, sweep: `uniform` (default) or `poisson` arrivals along the profile. */
  arrivals: z.enum(['uniform', 'poisson']).optional(),
});

const tokens = z.number().int().positive();

const mix = z.strictObject({
  /** One model, or weighted models `[{ value, weight }]`. Default: `load.model`. */
  models: z.union([z.string().min(1), z.array(z.strictObject({ value: z.string().min(1), weight })).min(1)]).optional(),
  /**
   * A prompt-set file (JSON or YAML, see fixtures/prompts/; relative to the scenario file, else to
   * the working directory) or inline prompts: strings or `{ text, weight?, name? }`.
   */
  prompts: z
    .union([
      z.string().min(1),
      z
        .array(
          z.union([
            z.string().min(1),
            z.strictObject({ text: z.string().min(1), weight: weight.optional(), name: z.string().optional() }),
          ]),
        )
        .min(1),
    ])
    .optional(),
  /** Share of requests sent with `stream: true`, 0..1. Default 0. */
  stream_ratio: z.number().min(0).max(1).default(0),
  /** `64`, `{ min, max }` (uniform, inclusive) or `[{ value, weight }]`. Default: `load.max_tokens`. */
  max_tokens: z
    .union([
      tokens,
      z.strictObject({ min: tokens, max: tokens }).refine((r) => r.max >= r.min, { message: 'needs min <= max' }),
      z.array(z.strictObject({ value: tokens, weight })).min(1),
    ])
    .optional(),
  /** Client keys sent as `Authorization: Bearer <token>`, drawn by weight; `name` is recorded, never the token. */
  keys: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        token: z
          .string()
          .min(1)
          .regex(/^[^\r\n]+$/, 'a single line'),
        weight,
      }),
    )
    .optional(),
});

export const loadSchema = z
  .strictObject({
    /** Open-model arrival rate (`50/s`): the shorthand for `schedule: { kind: constant, rate }`. */
    rate: rate().optional(),
    /** Length of the recorded load (after warmup). Required unless a ramping schedule gives it. */
    duration: duration().optional(),
    /** The arrival schedule (open model). */
    schedule: schedule.optional(),
    /**
     * A trace file to replay instead of a rate or schedule (JSON lines, or a `--records` file; relative
     * to the scenario file, else to the working directory): its arrivals and what each asks for.
     */
    trace: z.string().min(1).optional(),
    /** Trace only: multiplies every offset (2 = twice as slow, 0.5 = twice as fast). Default 1. */
    time_scale: z.number().positive().optional(),
    /** Traffic before the recorded load: same schedule shape and mix, records discarded, no faults yet. Default 0s. */
    warmup: duration().default(0),
    /** `open` (default): arrivals on schedule whatever the latency. `closed`: `connections` clients back to back (max throughput). */
    mode: z.enum(['open', 'closed']).default('open'),
    /** Closed model: concurrent clients. Default 10. */
    connections: z.number().int().positive().optional(),
    /** Client timeout per request, counted from its intended start. Default 10s. */
    timeout: duration().default(10_000),
    /** Arrivals beyond this many requests in flight are counted as dropped, never delayed. Default 1000. */
    max_in_flight: z.number().int().positive().default(1000),
    /**
     * Open model: generator threads (default 1). Use more when a run reports schedule lag: each
     * thread sends every n-th arrival on one shared clock; `max_in_flight` applies per thread.
     */
    workers: z.number().int().min(1).max(16).default(1),
    /** The model every request asks for when there is no `mix.models`. */
    model: z.string().default('gpt-4.1-mini'),
    /** max_tokens of every request when there is no `mix.max_tokens`. */
    max_tokens: tokens.default(64),
    /** What each request asks for: weighted models, prompts, stream ratio, max_tokens, client keys. */
    mix: mix.optional(),
  })
  .superRefine((l, ctx) => {
    const s = l.schedule;
    if (l.mode === 'closed') {
      for (const field of ['rate', 'schedule'] as const) {
        if (l[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'not used in closed mode (give connections)' });
      }
    } else if (l.connections !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['connections'], message: 'only in closed mode (mode: closed)' });
    }
    if (checkTraceFields(l, ctx)) return;
    if (l.mode === 'open' && l.rate === undefined && s === undefined)
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'required (or give schedule, or trace)' });
    if (l.rate !== undefined && s !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'give either rate (a constant schedule) or schedule, not both; put the rate in schedule.rate',
      });
    if (l.duration === undefined && s?.kind !== 'ramping' && s?.kind !== 'sweep')
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'required (a duration such as 20s)' });
    if (s === undefined) return;
    const allowed: Record<typeof s.kind, readonly string[]> = {
      constant: ['rate'],
      poisson: ['rate'],
      ramping: ['start_rate', 'stages', 'arrivals'],
      spike: ['rate', 'factor', 'at', 'for', 'arrivals'],
      sweep: [...SWEEP_FIELDS, 'arrivals'],
    };
    for (const field of ['rate', 'start_rate', 'stages', 'factor', 'at', 'for', ...SWEEP_FIELDS, 'arrivals'] as const) {
      if (s[field] !== undefined && !allowed[s.kind].includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', field],
          message: `not an attribute of schedule kind '${s.kind}' (allowed: ${allowed[s.kind].join(', ')})`,
        });
    }
    if (s.kind === 'sweep') checkSweep(s, l.duration, ctx);
    if (s.kind !== 'ramping' && s.kind !== 'sweep' && s.rate === undefined)
      ctx.addIssue({ code: 'custom', path: ['schedule', 'rate'], message: 'required' });
    if (s.kind === 'ramping') {
      if (s.stages === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'stages'],
          message: 'required: [{ duration, target }, ...]',
        });
      const total = (s.stages ?? []).reduce((sum, st) => sum + st.duration, 0);
      if (l.duration !== undefined && s.stages !== undefined && l.duration !== total) {
        ctx.addIssue({
          code: 'custom',
          path: ['duration'],
          message: `the ramping stages last ${total / 1000}s; omit duration or make it ${total / 1000}s`,
        });
      }
    }
    if (s.kind === 'spike') {
      for (const field of ['factor', 'at', 'for'] as const)
        if (s[field] === undefined)
          ctx.addIssue({ code: 'custom', path: ['schedule', field], message: 'required for a spike' });
      if (s.at !== undefined && l.duration !== undefined && s.at >= l.duration)
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'at'],
          message: `the spike starts at ${s.at / 1000}s, after the load ends at ${l.duration / 1000}s`,
        });
    }
  })
  .transform((l): LoadSpec => {
    // A trace's length and rate are known once the loader has read it (0 until then).
    const durationMs =
      l.duration ??
      (l.schedule?.kind === 'sweep'
        ? sweepDurationMs(l.schedule)
        : (l.schedule?.stages ?? []).reduce((sum, st) => sum + st.duration, 0));
    const scheduleSpec: ScheduleSpec | undefined =
      l.trace === undefined
        ? toSchedule(l.schedule, l.rate, durationMs)
        : { kind: 'trace', file: l.trace, arrivals: [], timeScale: l.time_scale ?? 1 };
    return {
      mode: l.mode,
      rate: nominalRate(scheduleSpec),
      duration: durationMs,
      schedule: scheduleSpec,
      warmup: l.warmup,
      connections: l.connections ?? 10,
      timeout: l.timeout,
      max_in_flight: l.max_in_flight,
      workers: l.workers,
      model: l.model,
      max_tokens: l.max_tokens,
      mix: toMix(l.mix, l.model, l.max_tokens),
      ...(typeof l.mix?.prompts === 'string' ? { prompts_file: l.mix.prompts } : {}),
    };
  });

/** The load section with units resolved (ms, req/s) and specs in the load generator's terms. */
export interface LoadSpec {
  mode: 'open' | 'closed';
  /** Nominal rate, req/s: the constant/Poisson/spike base rate, a ramp's highest target, a sweep's last step; 0 in closed mode. */
  rate: number;
  /** Recorded load, ms. */
  duration: number;
  /** Open model: the arrival schedule (`undefined` in closed mode). */
  schedule: ScheduleSpec | undefined;
  warmup: number;
  connections: number;
  timeout: number;
  max_in_flight: number;
  /** Open model: generator threads. */
  workers: number;
  model: string;
  max_tokens: number;
  /** The request mix; `prompts` still a file name until the loader reads it (`prompts_file`). */
  mix: RequestMixSpec;
  /** The prompt-set file the mix came from, as written. */
  prompts_file?: string;
}

type RawSchedule = z.output<typeof schedule>;

function toSchedule(
  s: RawSchedule | undefined,
  shorthand: number | undefined,
  durationMs: number,
): ScheduleSpec | undefined {
  if (s === undefined) return shorthand === undefined ? undefined : { kind: 'constant', rate: shorthand, durationMs };
  switch (s.kind) {
    case 'constant':
    case 'poisson':
      return { kind: s.kind, rate: s.rate ?? 0, durationMs };
    case 'ramping':
      return {
        kind: 'ramping',
        startRate: s.start_rate ?? 0,
        stages: (s.stages ?? []).map((st) => ({ duration: st.duration, target: st.target })),
        arrivals: s.arrivals ?? 'uniform',
      };
    case 'spike':
      return {
        kind: 'spike',
        rate: s.rate ?? 0,
        factor: s.factor ?? 1,
        atMs: s.at ?? 0,
        forMs: s.for ?? 0,
        durationMs,
        arrivals: s.arrivals ?? 'uniform',
      };
    case 'sweep':
      return toSweep(s, durationMs);
    default: {
      const never: never = s.kind;
      return never;
    }
  }
}

function nominalRate(s: ScheduleSpec | undefined): number {
  if (s === undefined || s.kind === 'trace') return 0;
  if (s.kind === 'sweep') return s.to;
  return s.kind === 'ramping' ? Math.max(s.startRate, ...s.stages.map((st) => st.target)) : s.rate;
}

/**
 * A trace replaces rate and schedule, in the open model only, and `time_scale` needs one. True
 * when the load is a trace: the rate and duration checks do not apply.
 */
function checkTraceFields(
  l: {
    trace?: string | undefined;
    time_scale?: number | undefined;
    mode: string;
    rate?: number | undefined;
    schedule?: unknown;
  },
  ctx: z.RefinementCtx,
): boolean {
  if (l.trace === undefined) {
    if (l.time_scale !== undefined)
      ctx.addIssue({ code: 'custom', path: ['time_scale'], message: 'only with a trace (load.trace)' });
    return false;
  }
  if (l.mode === 'closed')
    ctx.addIssue({ code: 'custom', path: ['trace'], message: 'a trace replays arrivals: open mode only' });
  for (const field of ['rate', 'schedule'] as const)
    if (l[field] !== undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: 'give either a trace or a rate/schedule, not both' });
  return true;
}

function toMix(m: z.output<typeof mix> | undefined, model: string, maxTokens: number): RequestMixSpec {
  const models = m?.models ?? model;
  const max = m?.max_tokens;
  const maxTokensSpec: MaxTokensSpec =
    max === undefined
      ? maxTokens
      : typeof max === 'number'
        ? max
        : Array.isArray(max)
          ? { kind: 'choices', choices: max }
          : { kind: 'uniform', min: max.min, max: max.max };
  const prompts: readonly PromptInput[] | undefined =
    m?.prompts === undefined || typeof m.prompts === 'string' ? undefined : m.prompts;
  return {
    models,
    maxTokens: maxTokensSpec,
    streamRatio: m?.stream_ratio ?? 0,
    ...(prompts === undefined ? {} : { prompts }),
    ...(m?.keys === undefined ? {} : { keys: m.keys }),
  };
}
