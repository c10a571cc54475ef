/**
 * One set of HDR histograms (latency, service time, TTFT; microseconds) for a group of records:
 * the whole run, a phase, or a serving provider. Summaries for reading, encodings for merging.
 */
import {
  createHistogram,
  encodeHistogram,
  recordMicros,
  summarize,
  type LatencyHistogram,
  type LatencySummary,
} from './histogram.js';
import { latencyMicros, serviceMicros, ttftMicros, type RequestRecord } from './record.js';

export interface Timings {
  /** Latency from the intended start; failed requests included, dropped ones not. */
  latency: LatencySummary;
  latencyHistogram: string;
  service: LatencySummary;
  serviceHistogram: string;
  /** Time to first token, for requests that received one (streams); absent when none did. */
  ttft?: LatencySummary;
  ttftHistogram?: string;
}

/** Records into the three histograms; `finish()` summarizes and encodes them. */
export class TimingsRecorder {
  readonly #latency: LatencyHistogram = createHistogram();
  readonly #service: LatencyHistogram = createHistogram();
  #ttft: LatencyHistogram | undefined;

  /** Dropped requests never ran: they are counted elsewhere, not timed. */
  record(record: RequestRecord): void {
    if (record.outcome === 'dropped') return;
    recordMicros(this.#latency, latencyMicros(record));
    recordMicros(this.#service, serviceMicros(record));
    const ttft = ttftMicros(record);
    if (ttft !== undefined) {
      this.#ttft ??= createHistogram();
      recordMicros(this.#ttft, ttft);
    }
  }

  finish(): Timings {
    const timings: Timings = {
      latency: summarize(this.#latency),
      latencyHistogram: encodeHistogram(this.#latency),
      service: summarize(this.#service),
      serviceHistogram: encodeHistogram(this.#service),
    };
    if (this.#ttft) {
      timings.ttft = summarize(this.#ttft);
      timings.ttftHistogram = encodeHistogram(this.#ttft);
    }
    return timings;
  }
}
