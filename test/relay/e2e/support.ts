/**
 * Shared helpers of the relay's end-to-end acceptance tests: real loopback upstreams (node:http
 * on 127.0.0.1, port 0) that record every request they receive and whether its socket closed
 * before they answered, the real relay started from a YAML-shaped config, an HTTP client for it,
 * and cleanup. Upstream answers in each dialect's wire format live in `support-wire.ts`.
 *
 * Every test file calls `afterEach(closeAll)`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { parseRelayConfig } from '../../../src/relay/config.js';
import { startRelay, type RunningRelay } from '../../../src/relay/server.js';

export * from './support-wire.js';

// ---------------------------------------------------------------- cleanup

const closers: Array<() => Promise<void>> = [];

/** Registers something to close after the current test. */
export function onCleanup(close: () => Promise<void>): void {
  closers.push(close);
}

/** Closes every relay, upstream and client opened since the last call (use in `afterEach`). */
export async function closeAll(): Promise<void> {
  await Promise.all(closers.splice(0).map((close) => close()));
}

// ---------------------------------------------------------------- upstreams

/** One request as an upstream received it. */
export interface SeenRequest {
  /** 0-based arrival order at this upstream. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` when the whole body had arrived. */
  readonly receivedAt: number;
  /** The connection closed before this upstream finished answering (the relay gave up on it, or a `reset` behaviour cut it). */
  closedEarly: boolean;
}

/** What a behaviour gets for one request. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly seen: SeenRequest;
  /** The request body parsed as JSON (throws if it is not). */
  json(): Record<string, any>;
  /** Runs `then` after `ms` unless the connection closes first; timers die with the upstream. */
  after(ms: number, then: () => void): void;
}

/** How an upstream answers one request. */
export type Behaviour = (exchange: Exchange) => void;

export interface Upstream {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly requests: readonly SeenRequest[];
  /** Requests received so far. */
  readonly count: number;
  /** Requests whose connection closed before the answer was complete. */
  readonly closedEarly: number;
  /**
   * Resolves once `n` connections have closed early (event-driven: no polling); rejects after
   * `timeoutMs` saying how many did.
   */
  untilClosedEarly(n: number, timeoutMs?: number): Promise<void>;
  /** Replaces the behaviour for the requests still to come. */
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** Starts a loopback upstream; closed by {@link closeAll}. */
export async function startUpstream(initial: Behaviour): Promise<Upstream> {
  let behaviour = initial;
  const requests: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const closedEarly = new EventEmitter();
  const countClosedEarly = (): number => requests.filter((seen) => seen.closedEarly).length;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = {
        index: requests.length,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        receivedAt: performance.now(),
        closedEarly: false,
      };
      requests.push(seen);
      res.on('close', () => {
        if (res.writableFinished) return;
        seen.closedEarly = true;
        closedEarly.emit('closed');
      });
      const after = (ms: number, then: () => void): void => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) then();
        }, ms);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
      };
      behaviour({ req, res, seen, after, json: () => JSON.parse(body) as Record<string, any> });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const upstream: Upstream = {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get count() {
      return requests.length;
    },
    get closedEarly() {
      return countClosedEarly();
    },
    untilClosedEarly(n, timeoutMs = 3_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (countClosedEarly() < n) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${countClosedEarly()} of ${n} upstream connections closed early within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          closedEarly.removeListener('closed', check);
        };
        closedEarly.on('closed', check);
        check();
      });
    },
    behave(next) {
      behaviour = next;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  onCleanup(() => upstream.close());
  return upstream;
}

/** An origin nobody listens on (bound, then released): connections are refused. */
export async function refusedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------- the relay and its client

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** From sending the request to the last body byte. */
  readonly ms: number;
  header(name: string): string | undefined;
  json(): Record<string, any>;
}

export interface SseReply extends Reply {
  /** The `data:` payloads in order (`[DONE]` included as is). */
  readonly events: readonly string[];
}

export interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export interface TestRelay {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly running: RunningRelay;
  /** POST /v1/chat/completions; `body` is serialised unless it is a string or Buffer. */
  chat(body: unknown, init?: CallOptions): Promise<Reply>;
  /** Like `chat`, with the body read as server-sent events. */
  stream(body: unknown, init?: CallOptions): Promise<SseReply>;
  get(path: string): Promise<Reply>;
  /** The official SDK pointed at this relay (`maxRetries: 0`). */
  sdk(apiKey?: string): OpenAI;
}

/**
 * Starts the real relay from a YAML-shaped config (what `relay.example.yaml` holds), filling
 * only `server.host`/`server.port` (loopback, ephemeral) and `logging.level` (silent) when absent.
 */
export async function startTestRelay(config: Record<string, any>): Promise<TestRelay> {
  const full = {
    ...config,
    server: { host: '127.0.0.1', port: 0, ...config['server'] },
    logging: { level: 'silent', ...config['logging'] },
  };
  const running = await startRelay(parseRelayConfig(full));
  const client = new Agent({ keepAliveTimeout: 10_000 });
  onCleanup(async () => {
    await running.close();
    await client.destroy();
  });

  const send = async (method: 'GET' | 'POST', path: string, body?: unknown, init: CallOptions = {}) => {
    const started = performance.now();
    const payload =
      body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const res = await request(`${running.url}${path}`, {
      dispatcher: client,
      method,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: payload as string | Buffer | undefined,
      signal: init.signal,
    });
    const text = await res.body.text();
    const headers = res.headers as Record<string, string | string[] | undefined>;
    return {
      status: res.statusCode,
      headers,
      text,
      ms: performance.now() - started,
      header: (name: string) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      json: () => JSON.parse(text) as Record<string, any>,
    } satisfies Reply;
  };

  return {
    url: running.url,
    running,
    chat: (body, init) => send('POST', '/v1/chat/completions', body, init),
    async stream(body, init) {
      const reply = await send('POST', '/v1/chat/completions', body, init);
      return { ...reply, events: sseData(reply.text) };
    },
    get: (path) => send('GET', path),
    sdk: (apiKey = 'unused') => new OpenAI({ baseURL: `${running.url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 }),
  };
}

/** The `data:` payloads of an event-stream body. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    );
}

/** Concatenated `delta.content` of OpenAI chunk payloads. */
export function streamedText(events: readonly string[]): string {
  let text = '';
  for (const event of events) {
    if (event === '[DONE]') continue;
    const chunk = JSON.parse(event) as { choices?: Array<{ delta?: { content?: string | null } }> };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

/** A minimal chat request body. */
export function chatBody(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'hello' }], ...extra };
}

// ---------------------------------------------------------------- time

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The `p` quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
