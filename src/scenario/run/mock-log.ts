/**
 * Attribution from the mock providers' side: each mock logs the request id it served (from
 * `x-request-id`, or the `[relaybench:ID]` marker when a relay strips headers), so the provider
 * that served a request is known for any target, ours or not. After the run the harness reads
 * every mock's `GET /_mock/log` and fills in, for records the target did not attribute itself
 * (no `x-relay-provider`), the serving provider and the number of upstream attempts.
 */
import { request } from 'undici';
import type { RequestRecord } from '../../metrics/record.js';
import { dispatcherTrusting } from '../../net/trust.js';

/** One entry of a mock's `GET /_mock/log` (the fields attribution reads; the rest ride along as sent). */
export interface LogEntry {
  seq: number;
  id: string | null;
  headerId: string | null;
  markerId: string | null;
  outcome: string | null;
  status: number | null;
  endedAt: number | null;
  /** Epoch ms. */
  startedAt?: number;
  readonly [field: string]: unknown;
}

/** The recorded load's entries of every mock, by provider name. */
export type MockLogs = ReadonlyMap<string, readonly LogEntry[]>;

const HARNESS_ID = /^rb-(\d+)$/;
const TIMEOUT_MS = 5000;

/** The mock's request counter now: entries after it belong to what follows (the recorded load, not the warmup). */
export async function mockLogPosition(mockUrl: string, caFile?: string): Promise<number> {
  const stats = (await getJson(`${mockUrl}/_mock/stats`, caFile)) as { requests?: unknown };
  return typeof stats.requests === 'number' ? stats.requests : 0;
}

export async function readMockLog(mockUrl: string, since: number, caFile?: string): Promise<LogEntry[]> {
  const body = (await getJson(`${mockUrl}/_mock/log?since=${since}`, caFile)) as { entries?: LogEntry[] };
  return body.entries ?? [];
}

/** The harness sequence number an entry carries, from whichever id is ours (a relay may send its own x-request-id). */
export function harnessSeq(entry: LogEntry): number | undefined {
  for (const id of [entry.markerId, entry.headerId, entry.id]) {
    const match = id === null ? null : HARNESS_ID.exec(id);
    if (match) return Number(match[1]);
  }
  return undefined;
}

export interface Served {
  /** The provider that answered with a completion (the earliest to finish, if a hedge got several). */
  provider: string | undefined;
  /** Requests the providers saw for this id: attempts, hedges included. */
  attempts: number;
  /** The same, per provider: how hard each one was tried (a provider hammered by retries shows here). */
  byProvider: Record<string, number>;
}

/** Per harness sequence number, who served it, from each provider's log entries. */
export function servedBySeq(logs: ReadonlyMap<string, readonly LogEntry[]>): Map<number, Served> {
  const out = new Map<number, Served & { endedAt: number }>();
  for (const [provider, entries] of logs) {
    for (const entry of entries) {
      const seq = harnessSeq(entry);
      if (seq === undefined) continue;
      const served = out.get(seq) ?? { provider: undefined, attempts: 0, byProvider: {}, endedAt: Infinity };
      served.attempts++;
      served.byProvider[provider] = (served.byProvider[provider] ?? 0) + 1;
      const ok = entry.outcome === 'ok' && entry.status !== null && entry.status >= 200 && entry.status < 300;
      if (ok && (entry.endedAt ?? Infinity) <= served.endedAt) {
        served.provider = provider;
        served.endedAt = entry.endedAt ?? Infinity;
      }
      out.set(seq, served);
    }
  }
  return out;
}

/**
 * Records with `provider` (and `attempts`) filled in where the target did not say; never overrides
 * what it said. `attemptsByProvider` always comes from the logs: only they see every provider.
 */
export function attributeRecords(
  records: readonly RequestRecord[],
  served: ReadonlyMap<number, Served>,
): RequestRecord[] {
  return records.map((record) => {
    const s = served.get(record.seq);
    if (s === undefined || record.outcome === 'dropped') return record;
    const out = { ...record };
    if (out.provider === undefined && s.provider !== undefined) out.provider = s.provider;
    if (out.attempts === undefined) out.attempts = s.attempts;
    out.attemptsByProvider = { ...s.byProvider };
    return out;
  });
}

/** A mock served over TLS by a stand-in certificate is trusted through its scenario's `ca_file`. */
async function getJson(url: string, caFile: string | undefined): Promise<unknown> {
  const dispatcher = dispatcherTrusting(caFile);
  const response = await request(url, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    throw new Error(`GET ${url}: HTTP ${response.statusCode}`);
  }
  return response.body.json();
}
