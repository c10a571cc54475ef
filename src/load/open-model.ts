/**
 * Open-model load: a constant arrival rate. Request i is due at i / rate, whatever happened to
 * earlier requests, and its latency counts from that intended start, so a stalled target shows
 * up in full (no coordinated omission). Arrivals that find `maxInFlight` requests outstanding are
 * recorded as dropped, never delayed.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { RequestRecord } from '../metrics/record.js';
import { classifyClientError, isWellFormedCompletion } from './classify-response.js';

export interface OpenModelOptions {
  /** Base URL of the target, e.g. http://127.0.0.1:4000 */
  baseUrl: string;
  ratePerSecond: number;
  durationMs: number;
  /** Client deadline per request, counted from its intended start. */
  timeoutMs: number;
  maxInFlight: number;
  model: string;
  maxTokens: number;
  /** Stops scheduling; requests in flight get `interruptGraceMs` to finish. */
  signal?: AbortSignal;
  interruptGraceMs?: number;
  /** Called with the load's time origin (performance.now()) just before the first request. */
  onStart?(startedAt: number): void;
  /** Receives each record as soon as its request ends. */
  onRecord(record: RequestRecord): void;
}

export interface OpenModelRun {
  /** performance.now() at the start of load; record times are relative to it. */
  startedAt: number;
  /** Requests that were due before the end (or the interrupt): ok + failed + dropped. */
  scheduled: number;
  interrupted: boolean;
}

const CHAT_PATH = '/v1/chat/completions';
const TIMED_OUT = Symbol('client deadline');
const INTERRUPTED = Symbol('interrupted');

/** Runs the schedule to the end and resolves once every scheduled request has a record. */
export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelRun> {
  const pool = new Pool(options.baseUrl, { connections: options.maxInFlight, pipelining: 1, keepAliveTimeout: 30_000 });
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.floor((options.durationMs / 1000) * options.ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  // One plain controller per request, aborted by its own deadline timer or by an interrupt:
  // AbortSignal.any/timeout cost far more per request on Node 20 and skew results at high rates.
  const inFlightControllers = new Set<AbortController>();
  const startedAt = performance.now();
  options.onStart?.(startedAt);
  let scheduled = 0;

  const fire = (seq: number): void => {
    const intendedMs = seq * intervalMs;
    if (inFlight.size >= options.maxInFlight) {
      options.onRecord({ seq, intendedMs, sentMs: intendedMs, endMs: intendedMs, outcome: 'dropped' });
      return;
    }
    const done = sendOne(pool, options, seq, intendedMs, startedAt, inFlightControllers).then(options.onRecord);
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  try {
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        if (options.signal?.aborted) return resolve();
        const elapsed = performance.now() - startedAt;
        // Fire everything that is due; a late timer catches up instead of shifting the schedule.
        while (scheduled < total && scheduled * intervalMs <= elapsed) fire(scheduled++);
        if (scheduled >= total) return resolve();
        timer = setTimeout(tick, Math.max(0, scheduled * intervalMs - (performance.now() - startedAt)));
      };
      let timer = setTimeout(tick, 0);
      options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    const interrupted = options.signal?.aborted ?? false;
    if (interrupted) {
      const grace = setTimeout(() => {
        for (const controller of inFlightControllers) controller.abort(INTERRUPTED);
      }, options.interruptGraceMs ?? 2000);
      await Promise.allSettled([...inFlight]);
      clearTimeout(grace);
    } else {
      await Promise.allSettled([...inFlight]);
    }
    return { startedAt, scheduled, interrupted };
  } finally {
    await pool.destroy();
  }
}

async function sendOne(
  pool: Pool,
  options: OpenModelOptions,
  seq: number,
  intendedMs: number,
  startedAt: number,
  controllers: Set<AbortController>,
): Promise<RequestRecord> {
  const id = `rb-${seq}`;
  const sentMs = performance.now() - startedAt;
  const controller = new AbortController();
  controllers.add(controller);
  const remaining = Math.max(1, Math.ceil(intendedMs + options.timeoutMs - sentMs));
  const deadline = setTimeout(() => controller.abort(TIMED_OUT), remaining);
  const base = { seq, intendedMs, sentMs };
  try {
    const response = await pool.request({
      path: CHAT_PATH,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: requestBody(options, id),
      signal: controller.signal,
    });
    const text = await response.body.text();
    const endMs = performance.now() - startedAt;
    const provider = headerValue(response.headers['x-relay-provider']);
    const attemptsText = headerValue(response.headers['x-relay-attempts']);
    const served = { ...base, endMs, status: response.statusCode, provider, attempts: attemptsText ? Number(attemptsText) : undefined };
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return isWellFormedCompletion(text) ? { ...served, outcome: 'ok' } : { ...served, outcome: 'failed', failure: 'bad_body' };
    }
    return { ...served, outcome: 'failed', failure: `status_${response.statusCode}` };
  } catch (error) {
    const endMs = performance.now() - startedAt;
    const reason: unknown = controller.signal.reason;
    const failure = reason === INTERRUPTED ? 'interrupted' : classifyClientError(error, reason === TIMED_OUT);
    return { ...base, endMs, outcome: 'failed', failure };
  } finally {
    clearTimeout(deadline);
    controllers.delete(controller);
  }
}

/** The chat request; the id is also written into the prompt so attribution survives header-stripping relays. */
function requestBody(options: OpenModelOptions, id: string): string {
  return JSON.stringify({
    model: options.model,
    max_tokens: options.maxTokens,
    messages: [{ role: 'user', content: `Reply with a short greeting. [relaybench:${id}]` }],
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
