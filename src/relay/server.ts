/**
 * The relay's front door: an OpenAI-compatible node:http server over the fallback chain.
 * Routes: `POST /v1/chat/completions`, `GET /v1/models` (the targets' models), `GET /health`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceStartError } from '../errors.js';
import { createCompletionHandler } from './completion-handler.js';
import type { RelayConfig } from './config.js';
import { FallbackChain } from './fallback-chain.js';
import { sendBody, sendError } from './http-io.js';
import { attemptTimeout } from './policies/attempt-timeout.js';
import { prepareTargets, type RelayTarget } from './target.js';
import { createUpstreamClient } from './upstream.js';

export interface RunningRelay {
  /** `http://host:port`; clients use `${url}/v1` as their OpenAI base URL. */
  readonly url: string;
  /** Stops listening, destroys client and upstream connections. Idempotent. */
  close(): Promise<void>;
}

const HEALTH_BODY = JSON.stringify({ status: 'ok' });

/** Starts the relay. `config` must come from `parseRelayConfig`; it is not validated again. */
export async function startRelay(config: RelayConfig): Promise<RunningRelay> {
  const targets = prepareTargets(config.targets);
  const upstream = createUpstreamClient({ connectTimeoutMs: config.attemptTimeoutMs });
  const chain = new FallbackChain(targets, attemptTimeout(config.attemptTimeoutMs));
  const handleCompletion = createCompletionHandler({ chain, upstream });
  const modelsBody = JSON.stringify(modelList(targets));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const route = `${req.method ?? ''} ${query === -1 ? url : url.slice(0, query)}`;
    if (route === 'POST /v1/chat/completions') {
      handleCompletion(req, res, startedAt).catch((error: unknown) => {
        // A bug, not an upstream failure (those are outcomes): answer 500 rather than hang.
        if (res.headersSent) return void res.destroy();
        const message = `relay internal error: ${(error as Error).message}`;
        sendError(res, 500, { message, type: 'relay_error', code: 'internal' });
      });
      return;
    }
    req.resume();
    if (route === 'GET /v1/models') return sendBody(res, 200, modelsBody, {});
    if (route === 'GET /health') return sendBody(res, 200, HEALTH_BODY, {});
    sendError(res, 404, { message: `unknown route: ${route}`, type: 'invalid_request_error', code: 'unknown_url' });
  });
  // Longer than any client's idle timeout, so the client, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;

  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    await upstream.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => upstream.close());
      return closing;
    },
  };
}

/** OpenAI's list shape over the configured models, first target wins on duplicates. */
function modelList(targets: readonly RelayTarget[]): { object: 'list'; data: unknown[] } {
  const created = Math.floor(Date.now() / 1000);
  const seen = new Set<string>();
  const data: unknown[] = [];
  for (const target of targets) {
    if (target.model === undefined || seen.has(target.model)) continue;
    seen.add(target.model);
    data.push({ id: target.model, object: 'model', created, owned_by: target.name });
  }
  return { object: 'list', data };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new ServiceStartError(`relay could not listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
