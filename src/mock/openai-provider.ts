/**
 * A mock OpenAI-dialect provider on a real loopback socket: `POST /v1/chat/completions`
 * (JSON, or simple SSE with `stream: true`) and `GET /v1/models`, answering after a fixed latency
 * with seeded token counts. Fault control (429s, 5xx, stalls, broken streams) comes later.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigInvalidError, ServiceStartError } from '../errors.js';
import { deriveSeed, seededRandom } from '../random.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { openAIErrorBody, sendJson } from './http-io.js';
import { completionBody, modelListBody, planCompletion } from './openai-completion.js';
import { parseChatRequest } from './openai-request.js';
import { writeCompletionStream } from './openai-stream.js';

export interface MockProviderOptions {
  /** Reported in `x-mock-provider` and `owned_by`; also seeds this provider's random stream. */
  name: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Model answered when the request names none, and listed by `/v1/models`. Default `gpt-4.1-mini`. */
  model?: string;
  /** Delay before every completion answer. Default 20. */
  latencyMs?: number;
  /** Seed for token counts and text; default 0. */
  seed?: number;
}

export interface RunningMockProvider {
  /** `http://host:port`, without the `/v1` prefix. */
  readonly url: string;
  readonly name: string;
  /** Completions answered so far (written to a live connection). */
  served(): number;
  /** Stops listening and destroys every open connection, idle or active. Idempotent. */
  close(): Promise<void>;
}

export const mockProviderDefaults = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  model: 'gpt-4.1-mini',
  latencyMs: 20,
  seed: 0,
});

/** Request bodies above this are refused with 413. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts a mock provider; resolves once it listens. */
export async function startMockProvider(options: MockProviderOptions): Promise<RunningMockProvider> {
  const { name } = options;
  const host = options.host ?? mockProviderDefaults.host;
  const model = options.model ?? mockProviderDefaults.model;
  const latencyMs = options.latencyMs ?? mockProviderDefaults.latencyMs;
  if (!/^[\x21-\x7e]+$/.test(name)) {
    throw new ConfigInvalidError(
      `mock provider name: expected visible ASCII without spaces, received ${JSON.stringify(name)}`,
    );
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new ConfigInvalidError(`mock provider ${name}: latencyMs must be a number >= 0, received ${latencyMs}`);
  }
  const random = seededRandom(deriveSeed(options.seed ?? mockProviderDefaults.seed, name));
  const modelList = modelListBody([model], name, Math.floor(Date.now() / 1000));
  const pending = new Set<NodeJS.Timeout>();
  let served = 0;

  async function completions(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, openAIErrorBody(error.message, 'request_too_large'), headers);
      } else {
        res.destroy();
      }
      return;
    }
    const parsed = parseChatRequest(raw);
    if (!parsed.ok) return sendJson(res, 400, parsed.body, headers);
    const { request } = parsed;
    const plan = planCompletion(request, model, random);
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (res.destroyed) return; // the client gave up while we were "thinking"
      served++;
      if (request.stream) writeCompletionStream(res, plan, request.includeUsage, headers);
      else sendJson(res, 200, completionBody(plan), headers);
    }, latencyMs);
    pending.add(timer);
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const given = req.headers['x-request-id'];
    const headers: OutgoingHttpHeaders = {
      'x-request-id': typeof given === 'string' && given !== '' ? given : `req_${randomBytes(12).toString('hex')}`,
      'x-mock-provider': name,
    };
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      void completions(req, res, headers);
      return;
    }
    req.resume();
    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, modelList, headers);
    sendJson(res, 404, openAIErrorBody(`Unknown request URL: ${req.method ?? ''} ${path}.`, 'unknown_url'), headers);
  });
  // Longer than any client's idle timeout, so the client, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;

  const port = await listen(server, options.port ?? mockProviderDefaults.port, host, name);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    name,
    served: () => served,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      const message = `mock provider ${name} could not listen on ${host}:${port}: ${error.message}`;
      reject(new ServiceStartError(message, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
