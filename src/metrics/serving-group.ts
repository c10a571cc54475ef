/**
 * LLM serving figures of one group of records (the run, a phase, a provider): TPOT and output
 * tokens/s per request as HDR histograms, token totals, goodput against the SLO, and the pooled
 * inter-token gaps (recorded by the generator, see itl-histograms.ts) summarised beside them.
 */
import { createHistogram, encodeHistogram, recordMicros, summarize, type LatencySummary } from './histogram.js';
import { addEncoded } from './itl-histograms.js';
import type { RequestRecord } from './record.js';
import { SLO_MISSES, sloMisses, tpotMs, type ServingSlo, type SloMiss } from './slo.js';
import { inputTokens, outputTokens } from './tokens.js';

/** Requests that met every objective, and what the others missed (one request may miss several). */
export interface Goodput {
  /** Requests judged: scheduled ones (dropped count as not good), or those a provider served. */
  requests: number;
  good: number;
  /** good / requests. */
  share: number;
  /** Good requests per second of load. */
  ratePerSecond: number;
  missed: Record<SloMiss, number>;
}

/** Output tokens per second of one request, summarised (tokens/s; higher is better). */
export interface RateSummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ServingFigures {
  /** Pooled gaps between content chunks of every stream; absent when no stream had two chunks. */
  itl?: LatencySummary;
  itlHistogram?: string;
  /** Time per output token after the first, per successful stream with >= 2 output tokens. */
  tpot?: LatencySummary;
  tpotHistogram?: string;
  /** Output tokens / latency, per successful request that reported tokens. */
  outputTokensPerSecond?: RateSummary;
  /** Tokens of the successes (tokens.ts says what counts). */
  outputTokens: number;
  inputTokens: number;
  /** Per second of load: output tokens, and input + output tokens. */
  outputThroughput: number;
  totalThroughput: number;
  /** Only when the scenario states an `slo:`. */
  goodput?: Goodput;
}

/** Rates are stored x1000 in the integer HDR histogram (3 digits of a tokens/s figure). */
const RATE_SCALE = 1000;

/** Accumulates one group; `finish` adds the group's ITL histograms and summarises. */
export class ServingGroup {
  readonly #tpot = createHistogram();
  readonly #rate = createHistogram();
  #output = 0;
  #input = 0;
  #requests = 0;
  #good = 0;
  readonly #missed: Record<SloMiss, number> = Object.fromEntries(SLO_MISSES.map((m) => [m, 0])) as Record<
    SloMiss,
    number
  >;

  constructor(private readonly slo: ServingSlo | undefined) {}

  record(record: RequestRecord): void {
    this.#requests++;
    if (this.slo) {
      const misses = sloMisses(record, this.slo);
      if (misses.length === 0) this.#good++;
      for (const miss of misses) this.#missed[miss]++;
    }
    if (record.outcome !== 'ok') return;
    const tokens = outputTokens(record) ?? 0;
    this.#output += tokens;
    this.#input += inputTokens(record);
    const tpot = tpotMs(record);
    if (tpot !== undefined) recordMicros(this.#tpot, tpot * 1000);
    const seconds = (record.endMs - record.intendedMs) / 1000;
    if (tokens > 0 && seconds > 0) recordMicros(this.#rate, (tokens / seconds) * RATE_SCALE);
  }

  finish(durationMs: number, itl: readonly string[]): ServingFigures {
    const seconds = Math.max(durationMs, 1) / 1000;
    const figures: ServingFigures = {
      outputTokens: this.#output,
      inputTokens: this.#input,
      outputThroughput: this.#output / seconds,
      totalThroughput: (this.#output + this.#input) / seconds,
    };
    const gaps = addEncoded(createHistogram(), itl);
    if (gaps.totalCount > 0) Object.assign(figures, { itl: summarize(gaps), itlHistogram: encodeHistogram(gaps) });
    if (this.#tpot.totalCount > 0)
      Object.assign(figures, { tpot: summarize(this.#tpot), tpotHistogram: encodeHistogram(this.#tpot) });
    if (this.#rate.totalCount > 0) figures.outputTokensPerSecond = rateSummary(summarize(this.#rate));
    if (this.slo) {
      figures.goodput = {
        requests: this.#requests,
        good: this.#good,
        share: this.#requests === 0 ? 0 : this.#good / this.#requests,
        ratePerSecond: this.#good / seconds,
        missed: this.#missed,
      };
    }
    [gaps, this.#tpot, this.#rate].forEach((h) => h.destroy());
    return figures;
  }
}

function rateSummary(s: LatencySummary): RateSummary {
  const scale = (v: number): number => v / RATE_SCALE;
  return {
    count: s.count,
    mean: scale(s.meanUs),
    min: scale(s.minUs),
    p50: scale(s.p50Us),
    p99: scale(s.p99Us),
    max: scale(s.maxUs),
  };
}
