/**
 * `POST /v1/chat/completions`: validates just enough to forward (a JSON object with `messages`),
 * runs the fallback chain, and answers with the serving target's response plus `x-relay-*` headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { formatFailures, type ChainResult, type FallbackChain } from './fallback-chain.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { sendBody, sendError } from './http-io.js';
import { sendOpenAIChat, type ChatPayload } from './openai-dialect.js';
import type { UpstreamClient } from './upstream.js';

/** Request bodies above this are refused with 413. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface CompletionHandlerDeps {
  readonly chain: FallbackChain;
  readonly upstream: UpstreamClient;
}

/** `startedAt` is `performance.now()` when the request arrived; it anchors `x-relay-overhead-ms`. */
export type CompletionHandler = (req: IncomingMessage, res: ServerResponse, startedAt: number) => Promise<void>;

export function createCompletionHandler({ chain, upstream }: CompletionHandlerDeps): CompletionHandler {
  return async (req, res, startedAt) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && given !== '' ? given : randomUUID();
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_REQUEST_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) return void res.destroy();
      return sendError(res, 413, { message: error.message, type: 'invalid_request_error', code: 'request_too_large' }, {
        'x-request-id': requestId,
      });
    }
    const parsed = parseChat(raw);
    if (typeof parsed === 'string') {
      return sendError(res, 400, { message: parsed, type: 'invalid_request_error', code: 'invalid_request' }, {
        'x-request-id': requestId,
      });
    }

    // The client leaving aborts the upstream attempt, so no target keeps working for nobody.
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new DOMException('client closed the connection', 'AbortError'));
    });
    const payload: ChatPayload = { raw, json: parsed, requestId };
    const result = await chain.run(
      (context) => sendOpenAIChat(upstream, context.target, payload, context.signal),
      controller.signal,
    );
    respond(res, result, requestId, startedAt);
  };
}

/** The request object, or what is wrong with it. */
function parseChat(raw: Buffer): Record<string, unknown> | string {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return `invalid JSON body: ${(error as Error).message}`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'the request body must be a JSON object';
  const body = json as Record<string, unknown>;
  if (!Array.isArray(body['messages'])) return "missing required field 'messages' (an array of messages)";
  if (body['stream'] === true) return "'stream: true' is not supported by this relay yet";
  return body;
}

function respond(res: ServerResponse, result: ChainResult, requestId: string, startedAt: number): void {
  const headers: OutgoingHttpHeaders = { 'x-request-id': requestId, 'x-relay-attempts': String(result.attempts) };
  switch (result.kind) {
    case 'served':
    case 'rejected': {
      const { response } = result;
      headers['x-relay-provider'] = result.target.name;
      headers['x-relay-overhead-ms'] = (performance.now() - startedAt - response.elapsedMs).toFixed(2);
      return sendBody(res, response.status, response.body, headers, response.contentType ?? 'application/json');
    }
    case 'exhausted':
      headers['retry-after'] = '1';
      return sendError(res, 503, {
        message: `all targets failed: ${formatFailures(result.failures)}`,
        type: 'relay_unavailable',
        code: 'all_targets_failed',
      }, headers);
    case 'failed':
      return sendError(res, 502, {
        message: `upstream failed: ${formatFailures(result.failures)}`,
        type: 'relay_error',
        code: 'upstream_failed',
      }, headers);
    case 'aborted':
      return; // the client is gone; there is nobody to answer
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}
