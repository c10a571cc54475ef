/** The front door's fixed answers: readiness, metrics, 404/405/500, all errors from the refusal table. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readiness } from '../contract.js';
import { sendBody } from './http-io.js';
import type { RelayMetrics } from './metrics.js';
import { refusalError, refusalStatus, sendRefusal } from './refusals.js';

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
  const error = refusalError('not_ready');
  const body = JSON.stringify({ status: 'not_ready', ...state.detail, error });
  sendBody(res, refusalStatus('not_ready'), body, { 'retry-after': '1' });
}

export async function sendMetrics(res: ServerResponse, metrics: RelayMetrics | undefined): Promise<void> {
  if (metrics === undefined) return sendRefusal(res, {}, 'metrics_disabled');
  try {
    sendBody(res, 200, await metrics.text(), {}, metrics.contentType);
  } catch (error) {
    internalError(res, error);
  }
}

export function notAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  sendRefusal(res, { allow }, 'method_not_allowed', { method: req.method ?? '', allow });
}

export function notFound(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
  req.resume();
  sendRefusal(res, {}, 'unknown_route', { method, path });
}

/** A bug, not an upstream failure (those are outcomes): answer 500 rather than hang. */
export function internalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  sendRefusal(res, {}, 'internal', { cause: error });
}
