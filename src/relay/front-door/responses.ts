/** The front door's fixed answers: readiness, metrics, 404/405/500, all errors in OpenAI's shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBody, sendError } from '../http-io.js';
import type { Readiness } from '../server.js';
import type { RelayMetrics } from './metrics.js';

export const OVERLOADED = {
  message: 'the relay is at its in-flight limit; retry later',
  type: 'relay_overloaded',
  code: 'overloaded',
};
const KNOWN_GET_PATHS: ReadonlySet<string> = new Set(['/v1/models', '/health', '/ready', '/metrics', '/relay/events']);

export function isKnownGetPath(path: string): boolean {
  return KNOWN_GET_PATHS.has(path) || path.startsWith('/v1/models/');
}

export function decodeModelId(path: string): string {
  const raw = path.slice('/v1/models/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed percent-encoding: look it up as is (and find nothing)
  }
}

export function ready(res: ServerResponse, state: Readiness): void {
  if (state.ready) return sendBody(res, 200, JSON.stringify({ status: 'ready', ...state.detail }), {});
  const error = {
    message: 'the relay is not ready: no available target for some model',
    type: 'relay_unavailable',
    param: null,
    code: 'not_ready',
  };
  sendBody(res, 503, JSON.stringify({ status: 'not_ready', ...state.detail, error }), { 'retry-after': '1' });
}

export async function sendMetrics(res: ServerResponse, metrics: RelayMetrics | undefined): Promise<void> {
  if (metrics === undefined) {
    return sendError(res, 404, {
      message: 'metrics are not enabled',
      type: 'invalid_request_error',
      code: 'unknown_url',
    });
  }
  try {
    sendBody(res, 200, await metrics.text(), {}, metrics.contentType);
  } catch (error) {
    internalError(res, error);
  }
}

export function notAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  sendError(
    res,
    405,
    {
      message: `method ${req.method ?? ''} not allowed; use ${allow}`,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
    },
    { allow },
  );
}

export function notFound(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
  req.resume();
  const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
  sendError(res, 404, {
    message: `unknown route: ${method} ${shown}`,
    type: 'invalid_request_error',
    code: 'unknown_url',
  });
}

/** A bug, not an upstream failure (those are outcomes): answer 500 rather than hang. */
export function internalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const message = `relay internal error: ${error instanceof Error ? error.message : String(error)}`;
  sendError(res, 500, { message, type: 'relay_error', code: 'internal' });
}
