/**
 * What a mock provider served: one entry per completion request (attribution, outcome, faults,
 * timestamps) in a bounded ring, plus running tallies that survive the ring's eviction. The
 * harness reads it over `GET /_mock/log` and `GET /_mock/stats`.
 */
import type { Attribution } from './attribution.js';
import type { FaultKind } from './fault-spec.js';

/** How a request ended, from the provider's side. */
export type Outcome =
  | 'ok'
  | 'rate_limited'
  | 'invalid_request'
  /** The answer was replaced or broken by a fault (a stalled or dripped but whole answer is ok). */
  | 'fault'
  /** The client (or relay) went away before the answer was complete. */
  | 'client_aborted';

export interface LogEntry {
  readonly seq: number;
  readonly id: string | undefined;
  readonly idSource: Attribution['source'];
  readonly headerId: string | undefined;
  readonly markerId: string | undefined;
  readonly model: string | undefined;
  readonly stream: boolean;
  /** Epoch ms. */
  readonly startedAt: number;
  endedAt: number | undefined;
  status: number | undefined;
  outcome: Outcome | undefined;
  faults: readonly FaultKind[];
  promptTokens: number;
  completionTokens: number;
  /** The last 4 characters of the API key the request carried (never the whole key); undefined: none. */
  keyTail: string | undefined;
  /** Characters of the prefill the request asked to continue (a final assistant turn); 0: none. */
  prefillChars: number;
}

/** Entries kept; older ones are evicted (tallies still count them). */
const CAPACITY = 100_000;

export class RequestLog {
  /** A ring: `ring[(head + i) % CAPACITY]` is the i-th oldest entry; seqs are consecutive. */
  private readonly ring: LogEntry[] = [];
  private head = 0;
  private seq = 0;
  private inFlight = 0;
  private readonly outcomes = new Map<Outcome, number>();
  private readonly statuses = new Map<number, number>();
  private readonly faultHits = new Map<FaultKind, number>();
  private promptTokens = 0;
  private completionTokens = 0;

  constructor(private readonly now: () => number = Date.now) {}

  begin(attribution: Attribution, model: string | undefined, stream: boolean): LogEntry {
    const { id, source, headerId, markerId } = attribution;
    const entry: LogEntry = {
      seq: ++this.seq,
      id,
      idSource: source,
      headerId,
      markerId,
      model,
      stream,
      startedAt: this.now(),
      endedAt: undefined,
      status: undefined,
      outcome: undefined,
      faults: [],
      promptTokens: 0,
      completionTokens: 0,
      keyTail: undefined,
      prefillChars: 0,
    };
    if (this.ring.length < CAPACITY) this.ring.push(entry);
    else {
      this.ring[this.head] = entry; // overwrite the oldest: O(1), unlike shift()
      this.head = (this.head + 1) % CAPACITY;
    }
    this.inFlight++;
    return entry;
  }

  /** Closes an entry once; later calls are ignored (an abort racing a normal end). */
  end(entry: LogEntry, outcome: Outcome, status: number | undefined): void {
    if (entry.outcome !== undefined) return;
    entry.outcome = outcome;
    entry.status = status;
    entry.endedAt = this.now();
    this.inFlight--;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (status !== undefined) this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    for (const kind of entry.faults) this.faultHits.set(kind, (this.faultHits.get(kind) ?? 0) + 1);
    if (outcome === 'ok') {
      this.promptTokens += entry.promptTokens;
      this.completionTokens += entry.completionTokens;
    }
  }

  /** Entries with `seq > since`, oldest first. */
  entries(since = 0): LogEntry[] {
    const size = this.ring.length;
    const oldestSeq = this.seq - size + 1;
    const out: LogEntry[] = [];
    for (let i = Math.max(0, since - oldestSeq + 1); i < size; i++) out.push(this.ring[(this.head + i) % CAPACITY]!);
    return out;
  }

  /** Entries as the control API sends them: absent values as null, so every key is always there. */
  entriesJson(since = 0): Record<string, unknown>[] {
    return this.entries(since).map((e) => ({
      ...e,
      id: e.id ?? null,
      headerId: e.headerId ?? null,
      markerId: e.markerId ?? null,
      model: e.model ?? null,
      endedAt: e.endedAt ?? null,
      status: e.status ?? null,
      outcome: e.outcome ?? null,
      keyTail: e.keyTail ?? null,
    }));
  }

  /** Served completions (outcome ok). */
  served(): number {
    return this.outcomes.get('ok') ?? 0;
  }

  stats(): Record<string, unknown> {
    return {
      requests: this.seq,
      inFlight: this.inFlight,
      served: this.served(),
      outcomes: Object.fromEntries(this.outcomes),
      statuses: Object.fromEntries(this.statuses),
      faultHits: Object.fromEntries(this.faultHits),
      tokens: { prompt: this.promptTokens, completion: this.completionTokens },
    };
  }
}
