/**
 * Writing OpenAI-style server-sent events to the client: `data: {chunk}\n\n` per chunk, then
 * `data: [DONE]\n\n`. A stream cut after the first byte ends with an explicit error event and
 * WITHOUT `[DONE]`, so no client mistakes a truncated answer for a complete one.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { StreamCutError, type RelayResponse, type StreamCutCode } from '../contract.js';

export const SSE_DONE = 'data: [DONE]\n\n';

/** Headers of an SSE answer; `x-accel-buffering: no` stops nginx-style proxies from buffering it. */
export const SSE_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
});

/** One event carrying serialised JSON. */
export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

/** The error event that ends a cut stream; `code` says why (see `StreamCutCode`). */
export function sseStreamCut(message: string, code: StreamCutCode = 'upstream_stream_cut'): string {
  return sseData(JSON.stringify({ error: { message, type: 'stream_error', code } }));
}

/** How a written stream ended. */
export type StreamEnd =
  | { readonly kind: 'done' }
  | { readonly kind: 'cut'; readonly error: StreamCutError }
  | { readonly kind: 'client_gone' };

type StreamResponse = Extract<RelayResponse, { kind: 'stream' }>;

/**
 * Writes a stream response: status 200 with `headers` plus {@link SSE_HEADERS}, every event,
 * then `[DONE]` or the cut event. Respects backpressure; if the client leaves, cancels the
 * upstream. Never rejects.
 */
export async function writeSseStream(
  res: ServerResponse,
  response: StreamResponse,
  headers: OutgoingHttpHeaders,
): Promise<StreamEnd> {
  // One listener per stream: the client leaving must release the upstream even while we await it.
  const onClose = (): void => {
    if (!res.writableFinished) response.cancel();
  };
  res.once('close', onClose);
  try {
    if (res.destroyed) return { kind: 'client_gone' };
    res.writeHead(200, { ...headers, ...SSE_HEADERS });
    res.flushHeaders();
    try {
      for await (const event of response.events) {
        if (res.destroyed) return { kind: 'client_gone' };
        if (!res.write(sseData(event))) await drained(res);
      }
    } catch (error) {
      if (res.destroyed) return { kind: 'client_gone' };
      const cut =
        error instanceof StreamCutError ? error : new StreamCutError(describe(error), 'reset', { cause: error });
      res.end(sseStreamCut(cut.message, cut.code));
      return { kind: 'cut', error: cut };
    }
    if (res.destroyed) return { kind: 'client_gone' };
    res.end(SSE_DONE);
    return { kind: 'done' };
  } finally {
    res.removeListener('close', onClose);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.removeListener('drain', done);
      res.removeListener('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
