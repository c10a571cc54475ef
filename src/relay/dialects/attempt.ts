/**
 * One attempt of one request against one target, whatever its dialect: build the upstream
 * request, send it, translate the answer. Never rejects for upstream failures. A stream attempt
 * resolves only once the first content chunk arrived (or the stream ended or failed before it),
 * so the chain can still fail over until then.
 */
import { classify, VERDICTS } from '../classify.js';
import type { MalformedEventSink } from '../streaming/malformed-events.js';
import { StreamReader } from '../streaming/stream-reader.js';
import type { UpstreamClient, UpstreamStream } from '../upstream/client.js';
import { wantsStreamUsage, type ChatRequest } from './chat-request.js';
import type { Dialect, DialectOutcome, DialectRequest, DialectTarget } from './dialect.js';
import { upstreamModel } from './endpoint.js';
import { DIALECTS } from './registry.js';
import { translateError } from './openai-shape.js';

/** What an attempt gets (the chain's `AttemptContext`, structurally). */
export interface DialectAttemptContext {
  readonly target: DialectTarget;
  readonly signal: AbortSignal;
  /** `performance.now()` ms; enforced by the chain's policies, not here. */
  readonly deadline: number;
}

/** The chain's `Attempt`, structurally. */
export type DialectAttempt = (context: DialectAttemptContext) => Promise<DialectOutcome>;

export interface AttemptOptions {
  /** Wall clock (epoch ms) for the `created` field of translated answers. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Whether the attempt itself aborts a stream whose first content chunk is later than the
   * target's `ttfbTimeoutMs` (default true). The chain engine passes false: it already times a
   * stream's attempt by `ttfbTimeoutMs` up to the first content chunk (routing/launch.ts), and a
   * second guard cost a controller, a timer and a listener per stream.
   */
  readonly ttfbGuard?: boolean;
  /**
   * Set: a stream's unreadable events are dropped and reported here with the target's name (the
   * `skip` policy); unset: such an event fails the stream (`fail`, the default).
   */
  readonly skipMalformed?: MalformedEventSink | undefined;
}

/** The attempt function for one client request; `request` must be validated. */
export function createAttempt(
  upstream: UpstreamClient,
  request: ChatRequest,
  requestId: string,
  options: AttemptOptions = {},
): DialectAttempt {
  const clock = options.clock ?? Date.now;
  const stream = request.stream === true;
  const guarded = options.ttfbGuard ?? true;
  return async ({ target, signal, deadline }) => {
    const dialect = DIALECTS[target.dialect];
    const out = dialect.buildRequest(target, request, requestId);
    const model = upstreamModel(target, request);
    const created = Math.floor(clock() / 1000);
    if (stream)
      return streamAttempt(
        upstream,
        dialect,
        target,
        out,
        signal,
        { guarded, deadline, skip: options.skipMalformed },
        {
          model,
          created,
          requestId,
          includeUsage: wantsStreamUsage(request),
        },
      );
    let res;
    try {
      res = await upstream.send({
        origin: target.origin,
        dial: target.dial,
        path: out.path,
        headers: out.headers,
        body: out.body,
        signal,
      });
    } catch (error) {
      return { verdict: classify({ error }), error };
    }
    return dialect.parseResponse(res.status, res.headers, res.body, {
      model,
      elapsedMs: res.elapsedMs,
      created,
      requestId,
    });
  };
}

async function streamAttempt(
  upstream: UpstreamClient,
  dialect: Dialect,
  target: DialectTarget,
  out: DialectRequest,
  signal: AbortSignal,
  limits: { guarded: boolean; deadline: number; skip: MalformedEventSink | undefined },
  context: { model: string; created: number; requestId: string; includeUsage: boolean },
): Promise<DialectOutcome> {
  const started = performance.now();
  let stream;
  try {
    stream = await upstream.stream({
      origin: target.origin,
      dial: target.dial,
      path: out.path,
      headers: out.headers,
      body: out.body,
      signal,
      ttfbTimeoutMs: limits.guarded ? target.ttfbTimeoutMs : undefined,
    });
  } catch (error) {
    return { verdict: classify({ error }), error };
  }
  if (stream.status < 200 || stream.status >= 300 || stream.contentType?.includes('json') === true) {
    return wholeAnswer(stream, dialect, { ...context, started });
  }
  const { headers } = stream;
  const { skip } = limits;
  const reader = new StreamReader(stream, dialect.parseStream(context), {
    idleMs: target.streamIdleTimeoutMs ?? Infinity,
    deadline: limits.deadline,
    // A closure per stream only under the (opt-in) skip policy.
    skipMalformed: skip === undefined ? undefined : (message) => skip(target.name, message),
  });
  const failure = await reader.readToFirstContent();
  if (failure !== undefined) {
    const { fault, error } = failure;
    return {
      verdict: fault.verdict,
      status: fault.status,
      headers,
      body: fault.body,
      error: error ?? new Error(fault.message),
    };
  }
  const translator = reader.translator;
  return {
    verdict: VERDICTS.ok,
    response: {
      kind: 'stream',
      model: context.model,
      events: reader.events(),
      usage: () => translator.usage(),
      firstByteMs: performance.now() - started,
      cancel: () => reader.cancel(),
    },
  };
}

/** A stream request answered with an error status or a whole JSON body: read and translated as one. */
async function wholeAnswer(
  stream: UpstreamStream,
  dialect: Dialect,
  context: { model: string; created: number; requestId: string; started: number },
): Promise<DialectOutcome> {
  const { status, headers } = stream;
  let raw: Buffer;
  try {
    raw = await stream.readAll();
  } catch (error) {
    return { verdict: classify({ error }), status, headers, error };
  }
  const { model, created, requestId } = context;
  const elapsedMs = performance.now() - context.started;
  const outcome = dialect.parseResponse(status, headers, raw, { model, created, requestId, elapsedMs });
  if (outcome.response === undefined) return outcome;
  // A whole completion where an event stream was asked for: not what the client can use.
  return {
    verdict: VERDICTS.malformed,
    status,
    headers,
    body: translateError(dialect.name, 502, undefined, 'a JSON answer to a stream request'),
  };
}
