/**
 * Sends one planned chat request on the open-model pool and turns whatever happened into its one
 * record. Latency counts from the intended start; the client deadline too. A 2xx event stream is
 * read chunk by chunk through a StreamMeter (TTFT, chunks, gaps, validity); a JSON body must be a
 * well-formed completion. Transport errors after a stream began are `stream_cut`.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import type { ItlRecorder } from '../metrics/itl-histograms.js';
import type { RequestRecord } from '../metrics/record.js';
import { classifyClientError, parseCompletion } from './classify-response.js';
import { errorOfText } from './error-shape.js';
import { chosenHeaders } from './record-headers.js';
import { requestBody, requestHeaders, type RequestPlan } from './request-mix.js';
import { StreamMeter } from './stream-meter.js';

export interface SendContext {
  readonly pool: Pool;
  /** performance.now() at the start of load. */
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** Controllers of requests in flight, aborted with INTERRUPTED after the interrupt grace. */
  readonly controllers: Set<AbortController>;
  /** Where chat requests go (a provider's own path prefix when called directly). */
  readonly chatPath: string;
  /** A gateway's response header naming the serving provider, lower case. */
  readonly providerHeader?: string | undefined;
  /** The run's inter-token-latency histograms: every stream's gaps are recorded as they arrive. */
  readonly itl?: ItlRecorder | undefined;
  /** Keep the chosen response headers on each record (record-headers.ts): only when records are written. */
  readonly keepHeaders?: boolean | undefined;
}

export const CHAT_PATH = '/v1/chat/completions';
const TIMED_OUT = Symbol('client deadline');
export const INTERRUPTED = Symbol('interrupted');

/** Fields every record of a plan carries, dropped or sent. */
export function planFields(plan: RequestPlan): Pick<RequestRecord, 'model' | 'stream' | 'client'> {
  return plan.key
    ? { model: plan.model, stream: plan.stream, client: plan.key.name }
    : { model: plan.model, stream: plan.stream };
}

/** Never rejects: every outcome is a record. */
export async function sendRequest(
  ctx: SendContext,
  seq: number,
  intendedMs: number,
  sentMs: number,
  plan: RequestPlan,
): Promise<RequestRecord> {
  const id = `rb-${seq}`;
  // One plain controller per request, aborted by its own deadline timer or by an interrupt:
  // AbortSignal.any/timeout cost far more per request on Node 20 and skew results at high rates.
  const controller = new AbortController();
  ctx.controllers.add(controller);
  const remaining = Math.max(1, Math.ceil(intendedMs + ctx.timeoutMs - sentMs));
  const deadline = setTimeout(() => controller.abort(TIMED_OUT), remaining);
  const base: RequestRecord = { seq, intendedMs, sentMs, endMs: sentMs, outcome: 'failed', ...planFields(plan) };
  let meter: StreamMeter | undefined;
  let served: RequestRecord | undefined;
  const now = (): number => performance.now() - ctx.startedAt;
  try {
    const response = await ctx.pool.request({
      path: ctx.chatPath,
      method: 'POST',
      headers: requestHeaders(plan, id),
      body: requestBody(plan, id),
      signal: controller.signal,
    });
    // Our relay names the target it used; another gateway may name it in a configured header or
    // pass the mock's own name through.
    const provider =
      headerValue(response.headers['x-relay-provider']) ??
      (ctx.providerHeader === undefined ? undefined : headerValue(response.headers[ctx.providerHeader])) ??
      headerValue(response.headers['x-mock-provider']);
    const attemptsText = headerValue(response.headers['x-relay-attempts']);
    served = {
      ...base,
      status: response.statusCode,
      provider,
      attempts: attemptsText ? Number(attemptsText) : undefined,
    };
    if (ctx.keepHeaders === true) {
      served.headersMs = now();
      const headers = chosenHeaders(response.headers);
      if (headers !== undefined) served.headers = headers;
    }
    const ok2xx = response.statusCode >= 200 && response.statusCode < 300;
    if (ok2xx && headerValue(response.headers['content-type'])?.includes('text/event-stream')) {
      meter = new StreamMeter();
      meter.gaps = ctx.itl?.sinkFor(intendedMs, provider);
      for await (const chunk of response.body) meter.push(chunk as Buffer, now());
      meter.end();
      const verdict = meter.verdict();
      return withStream(
        {
          ...served,
          endMs: now(),
          outcome: verdict === 'ok' ? 'ok' : 'failed',
          failure: verdict === 'ok' ? undefined : verdict,
        },
        meter,
      );
    }
    const text = await response.body.text();
    const endMs = now();
    if (!ok2xx) {
      const error = errorOfText(text);
      const failed: RequestRecord = {
        ...served,
        endMs,
        failure: `status_${response.statusCode}`,
        errorShape: error.shape,
      };
      if (error.code !== undefined) failed.errorCode = error.code;
      return failed;
    }
    const completion = parseCompletion(text);
    const done = { ...served, endMs, usage: completion.usage };
    return completion.wellFormed ? { ...done, outcome: 'ok' } : { ...done, failure: 'bad_body' };
  } catch (error) {
    const endMs = now();
    const reason: unknown = controller.signal.reason;
    const failure =
      reason === INTERRUPTED
        ? 'interrupted'
        : reason === TIMED_OUT
          ? 'timeout'
          : meter?.verdict() === 'stream_error'
            ? 'stream_error'
            : meter
              ? 'stream_cut' // the body broke after a 2xx stream began
              : classifyClientError(error, false);
    const record: RequestRecord = { ...(served ?? base), endMs, outcome: 'failed', failure };
    return meter ? withStream(record, meter) : record;
  } finally {
    clearTimeout(deadline);
    ctx.controllers.delete(controller);
  }
}

function withStream(record: RequestRecord, meter: StreamMeter): RequestRecord {
  const out: RequestRecord = { ...record, chunks: meter.chunks };
  if (meter.firstTokenMs !== undefined) out.firstTokenMs = meter.firstTokenMs;
  if (meter.chunks >= 2) out.maxGapMs = meter.maxGapMs;
  if (meter.usage) out.usage = meter.usage;
  if (meter.errorShape !== undefined) out.errorShape = meter.errorShape;
  if (meter.errorCode !== undefined) out.errorCode = meter.errorCode;
  if (out.failure === undefined) delete out.failure;
  return out;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
