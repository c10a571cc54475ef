/**
 * A provider's latency model: time to first token and time per further token, each a seeded
 * {@link Distribution}. A JSON answer waits `ttft + tokens * perToken`; a stream sends its first
 * token after `ttft` and the rest at `perToken` pace.
 */
import type { Random } from '../random.js';
import { distributionProblems, sampler, type Distribution } from './distribution.js';

export interface LatencyModel {
  /** Time to first token. Default 20 ms (or `latencyMs`). */
  readonly ttft?: Distribution;
  /** Time per completion token after the first. Default 0. */
  readonly perToken?: Distribution;
}

/** One request's draw, in milliseconds. */
export interface LatencyDraw {
  readonly ttftMs: number;
  /** Drawn once per request: a request decodes at one pace, requests differ. */
  readonly perTokenMs: number;
}

/** Problems with a latency model, naming the field (`latency.ttft`...). */
export function latencyProblems(field: string, model: unknown): string[] {
  if (typeof model !== 'object' || model === null)
    return [`${field}: expected { ttft?, perToken? }, received ${JSON.stringify(model)}`];
  const problems: string[] = [];
  for (const key of Object.keys(model)) {
    if (key !== 'ttft' && key !== 'perToken') problems.push(`${field}: unknown key '${key}' (allowed: ttft, perToken)`);
  }
  const { ttft, perToken } = model as Record<string, unknown>;
  if (ttft !== undefined) problems.push(...distributionProblems(`${field}.ttft`, ttft));
  if (perToken !== undefined) problems.push(...distributionProblems(`${field}.perToken`, perToken));
  return problems;
}

/** Returns a function drawing one request's latency from the model. */
export function latencySampler(model: LatencyModel, defaultTtftMs: number, random: Random): () => LatencyDraw {
  const ttft = sampler(model.ttft ?? defaultTtftMs, random);
  const perToken = sampler(model.perToken ?? 0, random);
  return () => ({ ttftMs: ttft(), perTokenMs: perToken() });
}
