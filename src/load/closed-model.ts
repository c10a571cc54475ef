/**
 * Closed-model max-throughput mode on autocannon: `connections` clients each send the next request
 * as soon as the previous one ends, for `durationMs`. This measures capacity, not latency under a
 * given load (a stalled target slows the sender, hiding the stall: coordinated omission), so its
 * results are labelled `closed-model`. autocannon's own latency histogram is not used and its
 * rate limiting (`overallRate`/`connectionRate`, whose back-fill corrupts latencies) is never
 * set: records come from its client hooks, with intended start = actual send time.
 * Requests still in flight when the duration ends are counted as `abandoned`, not recorded.
 */
import autocannon from 'autocannon';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { FailureKind, RequestRecord } from '../metrics/record.js';
import { classifyClientError, parseCompletion } from './classify-response.js';
import { LoadOptionError } from './load-errors.js';
import { createRequestMix, requestBody, requestHeaders, type RequestMixSpec, type RequestPlan } from './request-mix.js';
import { CHAT_PATH, planFields } from './send-request.js';
import { errorShapeOfText } from './error-shape.js';
import { StreamMeter } from './stream-meter.js';

export interface ClosedModelOptions {
  baseUrl: string;
  connections: number;
  durationMs: number;
  /** Per-request timeout (autocannon's, whole seconds; default 10 s). */
  timeoutMs?: number;
  /** What each request asks for; without it `model` + `maxTokens`. */
  mix?: RequestMixSpec;
  model?: string;
  maxTokens?: number;
  seed?: number;
  /** A gateway's response header naming the serving provider (lower case). */
  providerHeader?: string | undefined;
  signal?: AbortSignal;
  /**
   * Asked after each record: once false, every connection finishes the request it has in flight
   * (recorded as usual) and then closes without sending another (a spend limit).
   */
  mayContinue?: () => boolean;
  onStart?(startedAt: number): void;
  onRecord(record: RequestRecord): void;
}

/** The part of autocannon's client that stopping one connection after its current request uses. */
interface DrainableClient {
  /** Requests this connection has sent. */
  reqsMade: number;
  /** autocannon's `maxConnectionRequests`: once `reqsMade` reaches it, the client closes instead of sending. */
  responseMax?: number;
}

export interface ClosedModelRun {
  mode: 'closed-model';
  startedAt: number;
  /** Completed requests (ok + failed); every one has a record. No drops in a closed model. */
  scheduled: number;
  /** Requests in flight when the run ended; not recorded. */
  abandoned: number;
  /** Completed requests per second over the run. */
  requestsPerSecond: number;
  interrupted: boolean;
}

interface Pending {
  readonly seq: number;
  readonly sentMs: number;
  readonly plan: RequestPlan;
}

/** Runs autocannon for the duration and resolves once it has stopped. */
export async function runClosedModel(options: ClosedModelOptions): Promise<ClosedModelRun> {
  if (!(Number.isInteger(options.connections) && options.connections > 0))
    throw new LoadOptionError('connections', options.connections, 'an integer > 0');
  if (!(options.durationMs > 0)) throw new LoadOptionError('durationMs', options.durationMs, 'a duration > 0 ms');
  const timeoutMs = Math.max(1000, Math.ceil((options.timeoutMs ?? 10_000) / 1000) * 1000);
  const nextPlan = createRequestMix(
    options.mix ?? { models: options.model ?? missing('model'), maxTokens: options.maxTokens ?? missing('maxTokens') },
    options.seed,
  );
  const startedAt = performance.now();
  const now = (): number => performance.now() - startedAt;
  const pendings = new Set<Pending>();
  let seq = 0;
  let completed = 0;
  // autocannon calls the request's onResponse and then emits the client's 'response' event in the
  // same synchronous step, so one shared slot hands the body and headers over without a lookup.
  let last: { status: number; body: string; headers: Record<string, unknown> } | undefined;
  const clients: DrainableClient[] = [];
  let draining = false;
  const emit = (record: RequestRecord): void => {
    completed++;
    options.onRecord(record);
    if (draining || options.mayContinue === undefined || options.mayContinue()) return;
    draining = true;
    // Each client sends its next request right after this hook returns; at its limit it closes instead.
    for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
  };
  const fail = (p: Pending, failure: FailureKind): void => {
    pendings.delete(p);
    emit({
      seq: p.seq,
      intendedMs: p.sentMs,
      sentMs: p.sentMs,
      endMs: now(),
      outcome: 'failed',
      failure,
      ...planFields(p.plan),
    });
  };

  const setupClient = (client: autocannon.Client): void => {
    clients.push(client as unknown as DrainableClient);
    const events = client as unknown as EventEmitter;
    let pending: Pending | undefined;
    events.on('request', () => {
      // A new request while one is pending: the old one's connection ended or timed out.
      if (pending) fail(pending, now() - pending.sentMs >= timeoutMs - 5 ? 'timeout' : 'reset');
      const plan = nextPlan();
      const id = `rb-${seq}`;
      client.setHeadersAndBody(requestHeaders(plan, id), requestBody(plan, id));
      pending = { seq: seq++, sentMs: now(), plan };
      pendings.add(pending);
    });
    events.on('connError', (error: unknown) => {
      if (pending) fail(pending, classifyClientError(error, false));
      pending = undefined;
    });
    events.on('response', () => {
      const p = pending;
      pending = undefined;
      if (!p || !last) return;
      pendings.delete(p);
      emit(recordFor(p, last.status, last.body, last.headers, now(), options.providerHeader));
      last = undefined;
    });
  };

  options.onStart?.(startedAt);
  let interrupted = false;
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationMs / 1000,
        timeout: timeoutMs / 1000,
        requests: [
          {
            method: 'POST',
            path: CHAT_PATH,
            onResponse: (status, body, _context, headers) => {
              last = { status, body, headers: headers ?? {} };
            },
          },
        ],
        setupClient,
      },
      (error) => (error ? reject(error as Error) : resolve()),
    );
    const onAbort = (): void => {
      interrupted = true;
      instance.stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const elapsed = now();
  return {
    mode: 'closed-model',
    startedAt,
    scheduled: completed,
    abandoned: pendings.size,
    requestsPerSecond: completed / (elapsed / 1000),
    interrupted,
  };
}

function recordFor(
  p: Pending,
  status: number,
  body: string,
  headers: Record<string, unknown>,
  endMs: number,
  providerHeader: string | undefined,
): RequestRecord {
  const header = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
    }
    return undefined;
  };
  const attempts = header('x-relay-attempts');
  const base: RequestRecord = {
    seq: p.seq,
    intendedMs: p.sentMs,
    sentMs: p.sentMs,
    endMs,
    outcome: 'failed',
    status,
    ...planFields(p.plan),
    provider:
      header('x-relay-provider') ??
      (providerHeader === undefined ? undefined : header(providerHeader)) ??
      header('x-mock-provider'),
    attempts: attempts === undefined ? undefined : Number(attempts),
  };
  if (status < 200 || status >= 300)
    return { ...base, failure: `status_${status}`, errorShape: errorShapeOfText(body) };
  if (header('content-type')?.includes('text/event-stream')) {
    // The body arrives whole here: validity, chunks and usage are exact; TTFT and gaps are not measured.
    const meter = new StreamMeter();
    meter.push(body, endMs);
    meter.end();
    const verdict = meter.verdict();
    const streamed: RequestRecord = {
      ...base,
      chunks: meter.chunks,
      ...(meter.usage ? { usage: meter.usage } : {}),
      ...(meter.errorShape === undefined ? {} : { errorShape: meter.errorShape }),
    };
    return verdict === 'ok' ? { ...streamed, outcome: 'ok' } : { ...streamed, failure: verdict };
  }
  const completion = parseCompletion(body);
  const done: RequestRecord = completion.usage ? { ...base, usage: completion.usage } : base;
  return completion.wellFormed ? { ...done, outcome: 'ok' } : { ...done, failure: 'bad_body' };
}

function missing(field: string): never {
  throw new LoadOptionError(field, undefined, 'a value when no mix is given');
}
