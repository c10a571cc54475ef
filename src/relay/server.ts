/**
 * The relay's front door: an OpenAI-compatible node:http server. Routes:
 * `POST /v1/chat/completions` (delegated to an injected handler, behind the bulkhead),
 * `GET /v1/models` and `/v1/models/{id}` (the aliases), `GET /health` (the process is up),
 * `GET /ready` (503 unless the readiness callback says every alias can be served),
 * `GET /metrics` (Prometheus text), `GET /relay/events` (recent breaker/cooldown events).
 * Unknown paths get 404 and wrong methods 405, always as `{ error: { message, type, code } }`.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { RelayConfig } from './config.js';
import { Bulkhead } from './front-door/bulkhead.js';
import { listen } from './front-door/listen.js';
import { createRelayApp } from './relay-app.js';
import { createRelayMetrics, type RelayMetrics } from './front-door/metrics.js';
import {
  decodeModelId,
  internalError,
  isKnownGetPath,
  notAllowed,
  notFound,
  OVERLOADED,
  ready,
  sendMetrics,
} from './front-door/responses.js';
import { sendBody, sendError } from './http-io.js';

/** Handles one chat completion; `startedAt` is `performance.now()` at arrival. Must not reject for upstream failures. */
export type FrontDoorHandler = (req: IncomingMessage, res: ServerResponse, startedAt: number) => Promise<void>;

/** One entry of `GET /v1/models`. */
export interface ModelEntry {
  readonly id: string;
  readonly ownedBy: string;
}

export interface Readiness {
  readonly ready: boolean;
  /** Shown in the body, e.g. which aliases have no available target. */
  readonly detail?: Readonly<Record<string, unknown>>;
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
}

const HEALTH_BODY = JSON.stringify({ status: 'ok' });
const ALWAYS_READY = (): Readiness => ({ ready: true });
const NO_EVENTS = (): readonly unknown[] => [];
const GET_ONLY = 'GET, HEAD';

/** The request listener (exported for tests and for embedding in another server). */
export function createFrontDoor(options: FrontDoorOptions): RequestListener {
  const { handleCompletion, metrics, bulkhead } = options;
  const readiness = options.readiness ?? ALWAYS_READY;
  const events = options.events ?? NO_EVENTS;
  const created = Math.floor(Date.now() / 1000);
  const models = options.models.map((model) => ({ id: model.id, object: 'model', created, owned_by: model.ownedBy }));
  const modelsBody = JSON.stringify({ object: 'list', data: models });
  const modelBodies = new Map(models.map((model) => [model.id, JSON.stringify(model)]));
  // Created once per server, not per request: the bulkhead slot is released when the response closes.
  const release = (): void => {
    bulkhead?.release();
    metrics?.inFlight.dec();
  };

  const completion = (req: IncomingMessage, res: ServerResponse, startedAt: number): void => {
    if (bulkhead !== undefined && !bulkhead.tryAcquire()) {
      metrics?.refused.inc({ reason: 'overload' });
      req.resume();
      return sendError(res, 503, OVERLOADED, { 'retry-after': bulkhead.retryAfter });
    }
    metrics?.inFlight.inc();
    res.once('close', release);
    handleCompletion(req, res, startedAt).catch((error: unknown) => internalError(res, error));
  };

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
      if (!(method === 'GET' || method === 'HEAD')) {
        return isKnownGetPath(path) ? notAllowed(req, res, GET_ONLY) : notFound(req, res, method, path);
      }
      req.resume();
      switch (path) {
        case '/v1/models':
          return sendBody(res, 200, modelsBody, {});
        case '/health':
          return sendBody(res, 200, HEALTH_BODY, {});
        case '/ready':
          return ready(res, readiness());
        case '/metrics':
          return void sendMetrics(res, metrics);
        case '/relay/events':
          // time_origin lets a harness in another process put our performance.now() stamps on its clock.
          return sendBody(
            res,
            200,
            JSON.stringify({ object: 'list', time_origin: performance.timeOrigin, data: events() }),
            {},
          );
        default: {
          const model = path.startsWith('/v1/models/') ? modelBodies.get(decodeModelId(path)) : undefined;
          if (model !== undefined) return sendBody(res, 200, model, {});
          if (path.startsWith('/v1/models/')) {
            return sendError(res, 404, {
              message: `model '${decodeModelId(path)}' does not exist`,
              type: 'invalid_request_error',
              code: 'model_not_found',
            });
          }
          return notFound(req, res, method, path);
        }
      }
    } catch (error) {
      internalError(res, error);
    }
  };
}

export interface RunningRelay {
  /** `http://host:port`; clients use `${url}/v1` as their OpenAI base URL. */
  readonly url: string;
  /** The relay's own metrics registry. */
  readonly metrics: RelayMetrics;
  /** Stops listening, destroys client and upstream connections. Idempotent. */
  close(): Promise<void>;
}

/** What the full pipeline plugs into the front door; anything left out gets the skeleton's default. */
export interface RelayWiring extends Partial<Omit<FrontDoorOptions, 'models' | 'bulkhead'>> {
  /** Released after the server closed (upstream pools, health-check timers). */
  readonly onClose?: () => Promise<void>;
}

/**
 * Starts the relay. `config` must come from `parseRelayConfig`/`loadRelayConfig`; it is not
 * validated again. Without `wiring.handleCompletion` the full pipeline (`createRelayApp`) serves.
 */
export async function startRelay(config: RelayConfig, wiring: RelayWiring = {}): Promise<RunningRelay> {
  const app = wiring.handleCompletion === undefined ? createRelayApp(config) : undefined;
  const metrics = wiring.metrics ?? app?.metrics ?? createRelayMetrics();
  const handleCompletion = wiring.handleCompletion ?? app!.handleCompletion;
  const listener = createFrontDoor({
    handleCompletion,
    models: modelEntries(config),
    readiness: wiring.readiness ?? app?.readiness,
    events: wiring.events ?? app?.events,
    metrics,
    bulkhead: new Bulkhead({ limit: config.server.maxInFlight, retryAfterS: config.server.overloadRetryAfterS }),
  });
  const server = createServer(listener);
  // Longer than any client's idle timeout, so the client, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;
  const onClose = async (): Promise<void> => {
    await app?.onClose();
    await wiring.onClose?.();
  };
  try {
    const running = await listen(server, config.server.host, config.server.port, onClose);
    return { url: running.url, metrics, close: running.close };
  } catch (error) {
    await onClose();
    throw error;
  }
}

/** The aliases; for a legacy config, the catch-all chain's configured models (first entry wins). */
export function modelEntries(config: RelayConfig): ModelEntry[] {
  const aliases = Object.keys(config.models).map((id) => ({ id, ownedBy: 'relaybench' }));
  const seen = new Set(aliases.map((alias) => alias.id));
  for (const entry of config.catchAll ?? []) {
    if (entry.model === undefined || seen.has(entry.model)) continue;
    seen.add(entry.model);
    aliases.push({ id: entry.model, ownedBy: entry.name });
  }
  return aliases;
}
