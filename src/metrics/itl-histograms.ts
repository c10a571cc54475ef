/**
 * Inter-token latency as the serving benchmarks pool it: every gap between consecutive content
 * chunks of every stream goes into an HDR histogram (µs) as it arrives, so no request keeps its
 * timestamps. Gaps are kept per serving provider and per time slot of the request's intended
 * start; the aggregation adds slots up into phases (a slot is assigned by its midpoint, so phase
 * figures are exact except inside the one slot that holds a fault edge).
 */
import { createHistogram, decodeHistogram, encodeHistogram, recordMicros, type LatencyHistogram } from './histogram.js';

/** Slots per run at most: bounds memory for long runs (each histogram is tens of KB). */
const MAX_SLOTS = 120;
const MIN_SLOT_MS = 1000;

/** The slot width for a load of `durationMs`: 1 s, wider for runs longer than two minutes. */
export function itlSlotMs(durationMs: number | undefined): number {
  if (durationMs === undefined || !Number.isFinite(durationMs)) return MIN_SLOT_MS;
  return Math.max(MIN_SLOT_MS, Math.ceil(durationMs / MAX_SLOTS / MIN_SLOT_MS) * MIN_SLOT_MS);
}

/** The gaps of a run, encoded for result.json, thread messages and exact merging. */
export interface EncodedItl {
  slotMs: number;
  /** By slot index (intended start / slotMs). */
  bySlot: Record<string, string>;
  /** By serving provider (as the response named it); streams nobody named are in the slots only. */
  byProvider: Record<string, string>;
}

/** Where one stream's gaps go: two histograms, picked once per request. */
export interface GapSink {
  record(gapMs: number): void;
}

const NO_PROVIDER: LatencyHistogram | undefined = undefined;

export class ItlRecorder {
  readonly #slots = new Map<number, LatencyHistogram>();
  readonly #providers = new Map<string, LatencyHistogram>();

  constructor(readonly slotMs: number = MIN_SLOT_MS) {}

  /** The sink for one stream that was due at `intendedMs` and is served by `provider`. */
  sinkFor(intendedMs: number, provider: string | undefined): GapSink {
    const slot = Math.max(0, Math.floor(intendedMs / this.slotMs));
    const bySlot = getOrCreate(this.#slots, slot);
    const byProvider = provider === undefined ? NO_PROVIDER : getOrCreate(this.#providers, provider);
    return {
      record(gapMs: number): void {
        const micros = gapMs * 1000;
        recordMicros(bySlot, micros);
        if (byProvider) recordMicros(byProvider, micros);
      },
    };
  }

  /** Encodes and frees the histograms; call once. */
  finish(): EncodedItl {
    const encode = <K>(map: Map<K, LatencyHistogram>): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [key, histogram] of map) {
        out[String(key)] = encodeHistogram(histogram);
        histogram.destroy();
      }
      map.clear();
      return out;
    };
    return { slotMs: this.slotMs, bySlot: encode(this.#slots), byProvider: encode(this.#providers) };
  }
}

/** Several threads' gaps as one (exact: histograms add). All parts must share one slot width. */
export function mergeItl(parts: readonly EncodedItl[]): EncodedItl {
  const slotMs = parts[0]?.slotMs ?? MIN_SLOT_MS;
  return {
    slotMs,
    bySlot: mergeTables(parts.map((p) => p.bySlot)),
    byProvider: mergeTables(parts.map((p) => p.byProvider)),
  };
}

/** Adds every encoded histogram into `into` (exact) and returns it. */
export function addEncoded(into: LatencyHistogram, encoded: Iterable<string>): LatencyHistogram {
  for (const text of encoded) {
    const part = decodeHistogram(text);
    into.add(part);
    part.destroy();
  }
  return into;
}

function mergeTables(tables: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const keys = new Set(tables.flatMap((t) => Object.keys(t)));
  const out: Record<string, string> = {};
  for (const key of keys) {
    const parts = tables.map((t) => t[key]).filter((t): t is string => t !== undefined);
    if (parts.length === 1) out[key] = parts[0]!;
    else {
      const merged = addEncoded(createHistogram(), parts);
      out[key] = encodeHistogram(merged);
      merged.destroy();
    }
  }
  return out;
}

function getOrCreate<K>(map: Map<K, LatencyHistogram>, key: K): LatencyHistogram {
  let histogram = map.get(key);
  if (!histogram) map.set(key, (histogram = createHistogram()));
  return histogram;
}
