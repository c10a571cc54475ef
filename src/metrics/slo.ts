/**
 * Service-level objectives per request and how one request is judged against them (goodput).
 * A request is good when it succeeded and met every objective the scenario states:
 *
 * - `ttft`: time to first content chunk from the intended start. A JSON (non-streamed) answer has
 *   no first token before the whole answer, so its full latency stands for its TTFT.
 * - `itl`: the request's largest gap between consecutive content chunks, so one stall longer than
 *   the objective misses it (the strictest reading of "tokens arrive at least every N ms").
 *   Requests with fewer than two content chunks have no gap and meet it.
 * - `tpot`: the request's time per output token after the first, (latency - TTFT) / (tokens - 1),
 *   the objective vLLM's `--goodput tpot:` judges; streams with fewer than two tokens meet it.
 * - `latency`: end-to-end latency from the intended start.
 */
import { outputTokens } from './tokens.js';
import type { RequestRecord } from './record.js';

/** Objectives in milliseconds; absent ones are not judged. */
export interface ServingSlo {
  ttftMs?: number;
  itlMs?: number;
  tpotMs?: number;
  latencyMs?: number;
}

/** Why a request is not good: it failed (or was dropped), or missed one objective. */
export type SloMiss = 'not_ok' | 'ttft' | 'itl' | 'tpot' | 'latency';
export const SLO_MISSES: readonly SloMiss[] = ['not_ok', 'ttft', 'itl', 'tpot', 'latency'];

/** TPOT of a successful stream in ms, or undefined without a first token or a second output token. */
export function tpotMs(record: RequestRecord): number | undefined {
  if (record.firstTokenMs === undefined) return undefined;
  const tokens = outputTokens(record);
  if (tokens === undefined || tokens < 2) return undefined;
  return (record.endMs - record.firstTokenMs) / (tokens - 1);
}

/** The objectives `record` missed; empty when it is good. A failed request misses only `not_ok`. */
export function sloMisses(record: RequestRecord, slo: ServingSlo): SloMiss[] {
  if (record.outcome !== 'ok') return ['not_ok'];
  const misses: SloMiss[] = [];
  const latency = record.endMs - record.intendedMs;
  if (slo.ttftMs !== undefined) {
    const ttft = record.firstTokenMs === undefined ? latency : record.firstTokenMs - record.intendedMs;
    if (ttft > slo.ttftMs) misses.push('ttft');
  }
  if (slo.itlMs !== undefined && record.maxGapMs !== undefined && record.maxGapMs > slo.itlMs) misses.push('itl');
  if (slo.tpotMs !== undefined) {
    const tpot = tpotMs(record);
    if (tpot !== undefined && tpot > slo.tpotMs) misses.push('tpot');
  }
  if (slo.latencyMs !== undefined && latency > slo.latencyMs) misses.push('latency');
  return misses;
}

/** Whether the SLO states any objective at all. */
export function hasObjectives(slo: ServingSlo | undefined): slo is ServingSlo {
  return slo !== undefined && Object.values(slo).some((v) => v !== undefined);
}
