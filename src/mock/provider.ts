/**
 * A mock LLM provider on a real loopback socket, in one of three dialects (OpenAI, Anthropic,
 * Gemini): seeded completions paced by a latency model, rate limits that answer real 429s,
 * HTTP-level faults switched at runtime, and a log of whom it served (see `control-api.ts`).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ServiceStartError } from '../errors.js';
import { deriveSeed, seededRandom } from '../random.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { attribute } from './attribution.js';
import { planAnswer } from './continuation.js';
import { CONTROL_PREFIX, handleControl, type ControlTarget } from './control-api.js';
import { deliver } from './deliver.js';
import type { DialectName, Route } from './dialect.js';
import { FaultTable } from './fault-table.js';
import { sendJson } from './http-io.js';
import { latencySampler } from './latency.js';
import { resolveMockOptions, type MockProviderOptions } from './provider-options.js';
import { credentialOf } from './credential.js';
import { KeyRateLimits } from './key-rate-limits.js';
import { RateLimiter, type RateDecision } from './rate-limiter.js';
import { RequestLog } from './request-log.js';

export { mockProviderDefaults, type MockProviderOptions } from './provider-options.js';
export type { MockTlsFiles } from './tls-files.js';

export interface RunningMockProvider {
  /** `http://host:port` (`https://` with `tls`), without a version prefix. */
  readonly url: string;
  readonly name: string;
  readonly dialect: DialectName;
  /** Completions answered whole so far. */
  served(): number;
  /** The same state the `/_mock/` control API reads and changes, for in-process callers. */
  readonly control: ControlTarget;
  /** Stops listening and destroys every open connection, idle or active. Idempotent. */
  close(): Promise<void>;
}

/** Request bodies above this are refused with 413. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts a mock provider; resolves once it listens. @throws ConfigInvalidError, ServiceStartError */
export async function startMockProvider(options: MockProviderOptions): Promise<RunningMockProvider> {
  const o = resolveMockOptions(options);
  const { dialect, name } = o;
  // Independent streams, so that adding a fault does not change token counts or latencies.
  const tokenRandom = seededRandom(deriveSeed(o.seed, name));
  const drawLatency = latencySampler(o.latency, o.latencyMs, seededRandom(deriveSeed(o.seed, `${name}:latency`)));
  const faults = new FaultTable(seededRandom(deriveSeed(o.seed, `${name}:faults`)));
  const limiter = new RateLimiter(o.rateLimit);
  const keyLimits = new KeyRateLimits(o.rateLimitPerKey);
  const log = new RequestLog();
  const control: ControlTarget = {
    faults,
    log,
    stats: () => ({
      name,
      dialect: dialect.name,
      ...log.stats(),
      activeFaults: faults.list().length,
      rateLimit: limiter.snapshot(),
      ...(keyLimits.active ? { rateLimitPerKey: keyLimits.snapshot() } : {}),
    }),
  };
  const modelList = dialect.modelsBody(o.models, name);

  async function completion(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { kind: 'completion' }>,
    query: URLSearchParams,
  ): Promise<void> {
    const headers = { ...dialect.responseHeaders(req.headers), 'x-mock-provider': name };
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendJson(res, 413, dialect.errorBody(413), headers);
      else res.destroy();
      return;
    }
    const parsed = dialect.parse(raw, route);
    const entry = log.begin(
      attribute(req.headers, parsed.ok ? parsed.request.lastUserText : ''),
      parsed.ok ? (parsed.request.model ?? o.model) : undefined,
      parsed.ok && parsed.request.stream,
    );
    if (!parsed.ok) {
      sendJson(res, parsed.status, parsed.body, headers);
      return log.end(entry, 'invalid_request', parsed.status);
    }
    const { request } = parsed;
    // Seeded by the prompt: every mock with this seed answers this conversation with the same words.
    const random = o.answerSeed === 'prompt' ? seededRandom(deriveSeed(o.seed, request.lastUserText)) : tokenRandom;
    const plan = planAnswer(request, dialect.newId(), o.model, random);
    entry.promptTokens = plan.promptTokens;
    entry.completionTokens = plan.completionTokens;
    entry.prefillChars = request.prefill?.length ?? 0;
    const credential = credentialOf(req.headers, query);
    if (credential !== '') entry.keyTail = credential.slice(-4);
    if (o.apiKeys !== undefined && !o.apiKeys.has(credential)) {
      // A key this provider never issued: its own 401, before any fault or limit.
      sendJson(res, 401, dialect.errorBody(401), headers);
      return log.end(entry, 'invalid_request', 401);
    }
    const fault = faults.decide(credential, request.prefill !== undefined);
    entry.faults = fault.kinds;
    const latency = drawLatency();
    if (fault.reply === undefined && (limiter.active || keyLimits.active)) {
      const tokens = plan.promptTokens + plan.completionTokens;
      // The provider's limit first, then the key's: a request refused by either takes from neither.
      let decision: RateDecision = limiter.active ? limiter.admit(tokens) : { ok: true, snapshot: {} };
      if (decision.ok && keyLimits.active) decision = keyLimits.admit(credential, tokens);
      Object.assign(headers, dialect.rateLimitHeaders(decision.snapshot, Date.now()));
      if (!decision.ok) {
        const retryAfterS = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        const limited = dialect.sendsRetryAfter ? { ...headers, 'retry-after': String(retryAfterS) } : headers;
        sendJson(res, 429, dialect.rateLimitedBody(decision.limit, plan.model, retryAfterS), limited);
        return log.end(entry, 'rate_limited', 429);
      }
    }
    const aborter = new AbortController();
    const onClose = (): void => aborter.abort();
    res.once('close', onClose);
    try {
      const result = await deliver(res, {
        dialect,
        completion: plan,
        stream: request.stream,
        includeUsage: request.includeUsage,
        latency,
        fault,
        headers,
        signal: aborter.signal,
      });
      log.end(entry, result.outcome, result.status);
    } finally {
      res.off('close', onClose);
    }
  }

  const handle: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    if (path.startsWith(CONTROL_PREFIX)) {
      void handleControl(req, res, path, query, control).catch(() => res.destroy());
      return;
    }
    const route = dialect.route(method, path, query);
    if (route?.kind === 'completion') {
      void completion(req, res, route, query).catch(() => res.destroy());
      return;
    }
    req.resume();
    const headers = { ...dialect.responseHeaders(req.headers), 'x-mock-provider': name };
    if (route?.kind === 'models') return sendJson(res, 200, modelList, headers);
    sendJson(res, 404, dialect.notFoundBody(method, path), headers);
  };
  // One port for completions and the control API, over TLS when configured.
  const server: Server = o.tls === undefined ? createServer(handle) : createTlsServer(o.tls, handle);
  // Longer than any client's idle timeout, so the client, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;

  const port = await listen(server, o.port, o.host, name);
  let closing: Promise<void> | undefined;
  return {
    url: `${o.tls === undefined ? 'http' : 'https'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    name,
    dialect: dialect.name,
    served: () => log.served(),
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new ServiceStartError(`mock provider ${name} could not listen on ${host}:${port}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
