/**
 * Sends one planned completion the way the latency model and the request's faults say: JSON after
 * `ttft + tokens * perToken`, or a stream whose tokens leave at `perToken` pace; reply faults
 * (status, 200 with an error body, wrong content type) instead of the answer. Waits are abortable:
 * a client that goes away (or a provider that closes) ends the wait at once.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion } from './completion-plan.js';
import { prefillRefusal } from './continuation.js';
import type { MockDialect } from './dialect.js';
import type { FaultDecision, ReplyEffect } from './fault-table.js';
import { sendJson } from './http-io.js';
import type { LatencyDraw } from './latency.js';
import { refusalOf, type RefusalKind } from './refusals.js';
import type { Outcome } from './request-log.js';
import { SseWriter } from './sse-writer.js';
import { isTerminalEvent, StreamStall } from './stream-stall.js';

export interface Delivery {
  readonly dialect: MockDialect;
  readonly completion: Completion;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly latency: LatencyDraw;
  readonly fault: FaultDecision;
  readonly headers: OutgoingHttpHeaders;
  readonly signal: AbortSignal;
}

export interface Delivered {
  readonly outcome: Outcome;
  readonly status: number | undefined;
}

const SSE_HEADERS = Object.freeze({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
const GATEWAY_PAGE =
  '<html><head><title>200 OK</title></head><body><h1>Gateway</h1><p>The upstream service returned an unexpected page.</p></body></html>\n';

/** Sends the answer; resolves with how it ended. Never rejects. */
export async function deliver(res: ServerResponse, d: Delivery): Promise<Delivered> {
  try {
    if (d.fault.reply !== undefined) return await replyFault(res, d, d.fault.reply);
    return d.stream ? await streamAnswer(res, d) : await jsonAnswer(res, d);
  } catch (error) {
    if (d.signal.aborted) return { outcome: 'client_aborted', status: undefined };
    throw error;
  }
}

async function jsonAnswer(res: ServerResponse, d: Delivery): Promise<Delivered> {
  const perToken = d.fault.dripMs ?? d.latency.perTokenMs;
  const stallMs = d.fault.stallMs + (d.fault.streamStall?.ms ?? 0);
  await wait(d.latency.ttftMs + stallMs + d.completion.completionTokens * perToken, d.signal);
  if (d.fault.cutAfter !== undefined || d.fault.malformedAfter !== undefined) {
    const text = JSON.stringify(d.dialect.json(d.completion));
    const half = text.slice(0, Math.floor(text.length / 2));
    const cut = d.fault.cutAfter !== undefined;
    // A cut promises the whole body and sends half; a malformed body is complete but unparseable.
    const length = Buffer.byteLength(cut ? text : half);
    res.writeHead(200, { ...d.headers, 'content-type': 'application/json', 'content-length': length });
    if (cut) res.write(half, () => res.destroy());
    else res.end(half);
    return { outcome: 'fault', status: 200 };
  }
  sendJson(res, 200, d.dialect.json(d.completion), d.headers);
  return { outcome: 'ok', status: 200 }; // stalled or dripped, but whole
}

async function streamAnswer(res: ServerResponse, d: Delivery): Promise<Delivered> {
  const { fault, completion } = d;
  await wait(d.latency.ttftMs, d.signal);
  res.writeHead(200, { ...d.headers, ...SSE_HEADERS });
  res.flushHeaders();
  const events = d.dialect.stream(completion, d.includeUsage);
  const writer = new SseWriter(res, d.dialect.eol, fault.cutAfter, fault.malformedAfter);
  const stall = fault.streamStall === undefined ? undefined : new StreamStall(fault.streamStall);
  const cut = (): Delivered => ({ outcome: 'fault', status: 200 });
  // The stall check stays synchronous until it is due: no promise per token on the usual path.
  const stalled = async (): Promise<boolean> =>
    stall?.due(writer.count) === true && !(await stall.run(writer, res, d.signal));
  for (const event of events.head) if ((stall !== undefined && (await stalled())) || !writer.push(event)) return cut();
  if (fault.stallMs > 0) {
    writer.flush();
    await wait(fault.stallMs, d.signal);
  }
  const perToken = fault.dripMs ?? d.latency.perTokenMs;
  const tokens = completion.completionTokens;
  const start = performance.now();
  let i = 0;
  while (i < tokens) {
    // Token i is due at start + i * perToken; everything due is sent in one write.
    do {
      if ((stall !== undefined && (await stalled())) || !writer.push(events.content(i))) return cut();
      i++;
    } while (i < tokens && (perToken === 0 || start + i * perToken <= performance.now()));
    writer.flush();
    if (i < tokens) await wait(start + i * perToken - performance.now(), d.signal);
  }
  const noDone = fault.noDoneHoldMs !== undefined;
  for (const event of events.tail) {
    if (noDone && isTerminalEvent(event)) continue;
    if ((stall !== undefined && (await stalled())) || !writer.push(event)) return cut();
  }
  writer.flush();
  if (stall !== undefined && (await stalled())) return cut(); // a stall after the last event
  if (fault.noDoneHoldMs !== undefined) await wait(fault.noDoneHoldMs, d.signal); // complete, yet still open
  res.end();
  return { outcome: noDone || stall !== undefined ? 'fault' : 'ok', status: 200 };
}

async function replyFault(res: ServerResponse, d: Delivery, effect: ReplyEffect): Promise<Delivered> {
  switch (effect.kind) {
    case 'http_status': {
      await wait(d.fault.stallMs, d.signal);
      const retry = effect.retryAfter;
      const headers =
        retry !== undefined && d.dialect.sendsRetryAfter ? { ...d.headers, 'retry-after': String(retry) } : d.headers;
      sendJson(res, effect.status, d.dialect.errorBody(effect.status, retry), headers);
      return { outcome: 'fault', status: effect.status };
    }
    case 'error_body': {
      await wait(d.latency.ttftMs + d.fault.stallMs, d.signal);
      if (!d.stream) {
        sendJson(res, 200, d.dialect.errorBody(effect.status), d.headers);
        return { outcome: 'fault', status: 200 };
      }
      res.writeHead(200, { ...d.headers, ...SSE_HEADERS });
      const writer = new SseWriter(res, d.dialect.eol, undefined, undefined);
      for (const event of d.dialect.stream(d.completion, d.includeUsage).head) writer.push(event);
      writer.push(d.dialect.errorEvent(effect.status));
      writer.flush();
      res.end();
      return { outcome: 'fault', status: 200 };
    }
    case 'wrong_content_type': {
      await wait(d.latency.ttftMs + d.fault.stallMs, d.signal);
      res.writeHead(200, {
        ...d.headers,
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(GATEWAY_PAGE),
      });
      res.end(GATEWAY_PAGE);
      return { outcome: 'fault', status: 200 };
    }
    case 'context_length':
    case 'content_filter':
    case 'model_not_found':
      return refuse(res, d, effect.kind);
    case 'prefill_unsupported': {
      await wait(d.fault.stallMs, d.signal);
      const { status, body } = prefillRefusal(d.dialect.name);
      sendJson(res, status, body, d.headers);
      return { outcome: 'fault', status };
    }
    default: {
      const unreachable: never = effect;
      return unreachable;
    }
  }
}

/** A refusal in the dialect's words; one that comes as a 200 (Gemini's blocked prompt) is an SSE event on a stream. */
async function refuse(res: ServerResponse, d: Delivery, kind: RefusalKind): Promise<Delivered> {
  await wait(d.fault.stallMs, d.signal);
  const { status, body } = refusalOf(d.dialect.name, kind, d.completion.model);
  if (status !== 200 || !d.stream) {
    sendJson(res, status, body, d.headers);
    return { outcome: 'fault', status };
  }
  res.writeHead(200, { ...d.headers, ...SSE_HEADERS });
  const writer = new SseWriter(res, d.dialect.eol, undefined, undefined);
  writer.push({ data: JSON.stringify(body) });
  writer.flush();
  res.end();
  return { outcome: 'fault', status };
}

/** Abortable wait; no timer for waits under a millisecond. */
async function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw signal.reason;
  if (ms >= 1) await sleep(ms, undefined, { signal });
}
