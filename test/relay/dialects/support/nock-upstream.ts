/**
 * nock for dialect tests: lifecycle hooks, a reply that records what the relay sent, the
 * transports under test, and running one attempt against a target built by `prepareTargets`.
 *
 * nock 15 intercepts at the socket level, so it catches undici's `Agent.request` (the relay's
 * client) as well as `fetch` (the test client); every test runs on both. One limit on Node 20:
 * aborting or destroying a response while nock is still writing its body trips an assertion
 * inside undici (the mocked socket keeps emitting after the abort). Bodies here are therefore
 * always delivered whole before anything could destroy them; aborts are tested on loopback
 * sockets (fetch-upstream.test.ts).
 */
import './with-resolvers.js';
import { Readable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createAttempt } from '../../../../src/relay/dialects/attempt.js';
import type { ChatRequest } from '../../../../src/relay/dialects/chat-request.js';
import type { DialectOutcome } from '../../../../src/relay/dialects/dialect.js';
import { prepareTargets, type RelayTarget, type TargetSpec } from '../../../../src/relay/target.js';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/relay/upstream/client.js';
import { createFetchUpstream } from './fetch-upstream.js';

export { nock };

/** No real network except loopback; no interceptor outlives its test. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

export const TRANSPORTS: ReadonlyArray<readonly [string, () => UpstreamClient]> = [
  ['undici Agent (relay client)', () => createUpstreamClient({ connectTimeoutMs: 2_000 })],
  ['global fetch (test client)', createFetchUpstream],
];

/** What the upstream received, as nock saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type ReplyBody = string | Buffer | Readable;

/** Replies `status` with `body` and `headers`; pushes each matched request onto `seen`. */
export function replyRecording(
  interceptor: nock.Interceptor,
  seen: SeenRequest[],
  status: number,
  body: ReplyBody,
  headers: Record<string, string>,
): nock.Scope {
  return interceptor.reply(async (req: Request) => {
    const url = new URL(req.url);
    const text = await req.text();
    seen.push({
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(req.headers),
      body: JSON.parse(text) as unknown,
    });
    return [status, body, headers];
  });
}

/** `text` as a body written `size` bytes at a time, splitting lines and UTF-8 sequences. */
export function trickle(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return pieces(parts);
}

/** A body written in these pieces, an event-loop turn apart: each arrives in its own network read. */
export function pieces(parts: ReadonlyArray<string | Buffer>): Readable {
  return Readable.from(
    (async function* write() {
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      }
    })(),
  );
}

/** The one target `spec` makes, its key read from `env` through `apiKeyEnv`. */
export function targetFor(spec: TargetSpec, env: NodeJS.ProcessEnv): RelayTarget {
  const [target] = prepareTargets([spec], env);
  if (target === undefined) throw new Error('prepareTargets returned no target');
  return target;
}

/** `created` of translated answers: the attempt's clock is pinned to this many seconds. */
export const CREATED = 1_700_000_000;

export function attempt(
  client: UpstreamClient,
  target: RelayTarget,
  request: ChatRequest,
  requestId: string,
): Promise<DialectOutcome> {
  const run = createAttempt(client, request, requestId, { clock: () => CREATED * 1000 });
  return run({ target, signal: new AbortController().signal, deadline: Infinity });
}

export type JsonResponse = Extract<NonNullable<DialectOutcome['response']>, { kind: 'json' }>;
export type StreamResponse = Extract<NonNullable<DialectOutcome['response']>, { kind: 'stream' }>;

export function jsonOf(outcome: DialectOutcome): JsonResponse {
  if (outcome.response?.kind !== 'json') throw new Error(`expected a JSON response, got ${summary(outcome)}`);
  return outcome.response;
}

export function streamOf(outcome: DialectOutcome): StreamResponse {
  if (outcome.response?.kind !== 'stream') throw new Error(`expected a stream response, got ${summary(outcome)}`);
  return outcome.response;
}

/** Every event (parsed) until the end or the first error. */
export async function collect(events: AsyncIterable<string>): Promise<{ chunks: unknown[]; error: unknown }> {
  const chunks: unknown[] = [];
  try {
    for await (const event of events) chunks.push(JSON.parse(event));
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

/** `text/event-stream` from `[event name, data]` pairs; data objects are serialised, strings sent as is. */
export function sseBody(events: ReadonlyArray<readonly [string | undefined, unknown]>, eol = '\n'): string {
  return events
    .map(
      ([event, data]) =>
        `${event === undefined ? '' : `event: ${event}${eol}`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`,
    )
    .join('');
}

function summary(outcome: DialectOutcome): string {
  const body = outcome.response === undefined && outcome.body !== undefined ? ` ${outcome.body.toString('utf8')}` : '';
  const error = outcome.response === undefined && outcome.error !== undefined ? ` (${String(outcome.error)})` : '';
  return `${JSON.stringify(outcome.verdict)} status ${String(outcome.response === undefined ? outcome.status : outcome.response.kind)}${body}${error}`;
}
