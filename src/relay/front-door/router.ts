/**
 * The relay's front door: an OpenAI-compatible node:http request listener. Routes:
 * `POST /v1/chat/completions` (delegated to an injected handler, behind the bulkhead),
 * `GET /v1/models` and `/v1/models/{id}` (the aliases), `GET /health` (the process is up),
 * `GET /ready` (503 unless the readiness callback says every alias can be served),
 * `GET /metrics` (Prometheus text), `GET /relay/events` (recent breaker/cooldown events).
 * Unknown paths get 404 and wrong methods 405, always as `{ error: { message, type, code } }`.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Readiness } from '../contract.js';
import { Admission } from './admission.js';
import type { Authenticator } from './auth.js';
import type { Bulkhead } from './bulkhead.js';
import { sendBody } from './http-io.js';
import type { RelayMetrics } from './metrics.js';
import { sendRefusal } from './refusals.js';
import { decodeModelId, internalError, isKnownGetPath, notAllowed, notFound, ready, sendMetrics } from './responses.js';

/**
 * Handles one chat completion; `startedAt` is `performance.now()` at arrival. Must not reject for
 * upstream failures. With a bulkhead, `admission` says once the body is read whether the relay
 * has room for it (`overloaded`: answer 503 + Retry-After instead).
 */
export type FrontDoorHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
  admission?: Admission,
) => Promise<void>;

/** One entry of `GET /v1/models`. */
export interface ModelEntry {
  readonly id: string;
  readonly ownedBy: string;
}

export interface FrontDoorOptions {
  readonly handleCompletion: FrontDoorHandler;
  readonly models: readonly ModelEntry[];
  /** Default: always ready. */
  readonly readiness?: (() => Readiness) | undefined;
  /** Recent policy events, newest last. Default: none. */
  readonly events?: (() => readonly unknown[]) | undefined;
  /** `/metrics` answers 404 without it. */
  readonly metrics?: RelayMetrics | undefined;
  /** In-flight bound on completions; unbounded without it. */
  readonly bulkhead?: Bulkhead | undefined;
  /** Admin keys guarding `/metrics` and `/relay/events` (401 without one); open when absent or disabled. */
  readonly admin?: Authenticator | undefined;
}

const HEALTH_BODY = JSON.stringify({ status: 'ok' });
const ALWAYS_READY = (): Readiness => ({ ready: true });
const NO_EVENTS = (): readonly unknown[] => [];
const GET_ONLY = 'GET, HEAD';
/** Routes that show the relay's internals: behind the admin keys when any are configured. */
const ADMIN_PATHS: ReadonlySet<string> = new Set(['/metrics', '/relay/events']);

/** The request listener (exported for tests and for embedding in another server). */
export function createFrontDoor(options: FrontDoorOptions): RequestListener {
  const completion = completionRoute(options);
  const get = getRoutes(options);
  return (req, res) => {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? '';
    try {
      if (path === '/v1/chat/completions') {
        if (method === 'POST') return completion(req, res, startedAt);
        return notAllowed(req, res, 'POST');
      }
      if (method === 'GET' || method === 'HEAD') return get(req, res, method, path);
      return isKnownGetPath(path) ? notAllowed(req, res, GET_ONLY) : notFound(req, res, method, path);
    } catch (error) {
      internalError(res, error);
    }
  };
}

/**
 * `POST /v1/chat/completions`: shed at once (503) when the in-flight slots or the unread-body
 * places are full, decided before anything of the request is read; then the handler.
 */
function completionRoute(options: FrontDoorOptions): (req: IncomingMessage, res: ServerResponse, at: number) => void {
  const { handleCompletion, metrics, bulkhead } = options;
  if (bulkhead === undefined) {
    return (req, res, startedAt) => {
      handleCompletion(req, res, startedAt).catch((error: unknown) => internalError(res, error));
    };
  }
  return (req, res, startedAt) => {
    const refusal = bulkhead.tryStartReading();
    if (refusal !== undefined) {
      metrics?.refusedBy(refusal).inc();
      // Drained, not parsed, so the connection stays reusable; a slow drain is bounded by the read timeouts.
      req.resume();
      return sendRefusal(res, { 'retry-after': bulkhead.retryAfter }, 'overloaded');
    }
    const admission = new Admission(bulkhead, metrics, req, res);
    handleCompletion(req, res, startedAt, admission).catch((error: unknown) => internalError(res, error));
  };
}

/** The GET routes: models, health, readiness, metrics, events; 404 for the rest. */
function getRoutes(
  options: FrontDoorOptions,
): (req: IncomingMessage, res: ServerResponse, method: string, path: string) => void {
  const { metrics } = options;
  const admin = options.admin?.enabled === true ? options.admin : undefined;
  const readiness = options.readiness ?? ALWAYS_READY;
  const events = options.events ?? NO_EVENTS;
  const created = Math.floor(Date.now() / 1000);
  const models = options.models.map((model) => ({ id: model.id, object: 'model', created, owned_by: model.ownedBy }));
  const modelsBody = JSON.stringify({ object: 'list', data: models });
  const modelBodies = new Map(models.map((model) => [model.id, JSON.stringify(model)]));
  return (req, res, method, path) => {
    req.resume();
    if (admin !== undefined && ADMIN_PATHS.has(path) && admin.authenticate(req.headers.authorization) === undefined) {
      return sendRefusal(res, { 'www-authenticate': 'Bearer' }, 'invalid_admin_key');
    }
    switch (path) {
      case '/v1/models':
        return sendBody(res, 200, modelsBody, {});
      case '/health':
        return sendBody(res, 200, HEALTH_BODY, {});
      case '/ready':
        return ready(res, readiness());
      case '/metrics':
        return void sendMetrics(res, metrics);
      case '/relay/events': {
        // time_origin lets a harness in another process put our performance.now() stamps on its clock.
        const body = JSON.stringify({ object: 'list', time_origin: performance.timeOrigin, data: events() });
        return sendBody(res, 200, body, {});
      }
      default: {
        if (!path.startsWith('/v1/models/')) return notFound(req, res, method, path);
        const id = decodeModelId(path);
        const model = modelBodies.get(id);
        if (model !== undefined) return sendBody(res, 200, model, {});
        return sendRefusal(res, {}, 'unknown_model', { model: id });
      }
    }
  };
}
