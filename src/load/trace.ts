/**
 * Trace replay: arrivals and what each asks for, taken from a recorded trace instead of a rate and
 * a mix (trace-file.ts reads the file). Arrival i is due at `t × timeScale` ms after load start
 * (`timeScale: 2` replays twice as slowly). Each arrival still draws a plan from the scenario's mix,
 * in schedule order, and the trace's fields replace the draw's: a line that leaves out its model,
 * token counts or stream flag gets the mix's, and keys and extra headers always come from the mix.
 * Pure data (it crosses into generator threads as it is): every thread replays the same trace.
 */
import type { ArrivalSchedule } from './arrivals.js';
import { LoadOptionError } from './load-errors.js';
import type { RequestMix, RequestPlan } from './request-mix.js';

/** One arrival of a trace; optional fields fall back to the mix. */
export interface TraceArrival {
  /** Offset from the start of the trace, ms. */
  readonly t: number;
  readonly model?: string;
  /** Prompt size in tokens (the mocks count ~4 characters per token). */
  readonly inputTokens?: number;
  /** Sent as `max_tokens`: the answer's length limit. */
  readonly outputTokens?: number;
  readonly stream?: boolean;
}

export interface TraceSpec {
  readonly kind: 'trace';
  /** The trace file as written in the scenario (for messages and the report). */
  readonly file: string;
  /** Ascending by `t`. */
  readonly arrivals: readonly TraceArrival[];
  /** Multiplies every offset: 2 = twice as slow, 0.5 = twice as fast. */
  readonly timeScale: number;
  /** How many arrivals the trace held, where `arrivals` is left out (result.json). */
  readonly count?: number;
}

/** The spec without its arrivals (for result.json, which should not carry a whole trace). */
export function withoutArrivals(spec: TraceSpec): TraceSpec {
  return { ...spec, arrivals: [], count: spec.arrivals.length };
}

/** Checks a trace spec once; @throws LoadOptionError naming the field. */
export function checkTrace(spec: TraceSpec): void {
  if (!(Number.isFinite(spec.timeScale) && spec.timeScale > 0))
    throw new LoadOptionError('time_scale', spec.timeScale, 'a number > 0 (2 = twice as slow)');
  if (spec.arrivals.length === 0) throw new LoadOptionError('trace', spec.file, 'a trace with at least one arrival');
}

/** Intended start times: each arrival's offset, scaled. */
export function traceSchedule(spec: TraceSpec): ArrivalSchedule {
  return { [Symbol.iterator]: () => spec.arrivals.map((a) => a.t * spec.timeScale)[Symbol.iterator]() };
}

/** How long the trace lasts on the load clock: its last arrival's scaled offset. */
export function traceSpanMs(spec: TraceSpec): number {
  return (spec.arrivals.at(-1)?.t ?? 0) * spec.timeScale;
}

/** Plans in trace order: the mix's draw with the trace's fields put over it. */
export function traceMix(spec: TraceSpec, mix: RequestMix): RequestMix {
  let next = 0;
  return () => {
    const plan = mix();
    const arrival = spec.arrivals[next++];
    if (arrival === undefined) return plan;
    return {
      ...plan,
      model: arrival.model ?? plan.model,
      prompt: arrival.inputTokens === undefined ? plan.prompt : promptOfTokens(arrival.inputTokens),
      maxTokens: arrival.outputTokens ?? plan.maxTokens,
      stream: arrival.stream ?? plan.stream,
    } satisfies RequestPlan;
  };
}

/**
 * Filler prompt that the mocks count as about `tokens` tokens (`ceil(chars / 4)`): 4 characters a
 * token, less the ~19 characters of the attribution marker the harness appends.
 */
export function promptOfTokens(tokens: number): string {
  const chars = Math.max(1, tokens * 4 - 19);
  return 'lorem ipsum dolor sit amet '.repeat(Math.ceil(chars / 27)).slice(0, chars);
}
