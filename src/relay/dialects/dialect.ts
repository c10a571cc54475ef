/**
 * The dialect adapter contract: one small object per upstream API (OpenAI-compatible, Anthropic
 * Messages, Gemini generateContent) that maps the client's OpenAI request out and the answer back
 * in OpenAI's shape. Adapters are pure: no I/O, no clock; the attempt does the transport.
 *
 * Targets and outcomes are declared here structurally (the fields an adapter reads, the outcome
 * shape of the shared contract), so adapters depend on no policy module.
 */
import type { AttemptOutcome, DialectName, StreamTranslator, UpstreamDial, UpstreamHeaders } from '../contract.js';
import type { ChatRequest } from './chat-request.js';

/** What an adapter and the attempt read from a target (a subset of the chain's `RelayTarget`). */
export interface DialectTarget {
  readonly name: string;
  readonly dialect: DialectName;
  /** Upstream model id sent in place of the client's alias; `''` sends the client's model. */
  readonly model: string;
  /** `scheme://host:port`. */
  readonly origin: string;
  /** The base URL's path without a trailing slash, e.g. `/v1` of `https://api.anthropic.com/v1`. */
  readonly basePath: string;
  /** The base URL's query string (`?api-version=2`), or `''`. */
  readonly search: string;
  /** Auth and content headers built once at startup (non-enumerable on real targets). */
  readonly headers: Readonly<Record<string, string>>;
  /** Streams: abort when the first content chunk takes longer (from send). */
  readonly ttfbTimeoutMs?: number | undefined;
  /** Served streams: end with a timeout cut when upstream sends nothing for this long. Default: none. */
  readonly streamIdleTimeoutMs?: number | undefined;
  /** Set when the origin is reached through a proxy address or with an extra CA. */
  readonly dial?: UpstreamDial | undefined;
}

/** The request an adapter builds; the attempt sends it to `target.origin`. */
export interface DialectRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The outcome of one attempt: a served response or a failure (the contract's `AttemptOutcome`). */
export type DialectOutcome = AttemptOutcome;

/** What a parsed answer needs besides its bytes. */
export interface ResponseContext {
  /** The target's model, used where the upstream does not name one. */
  readonly model: string;
  /** From send to the last body byte. */
  readonly elapsedMs: number;
  /** Unix seconds, for `created` of synthesised completions. */
  readonly created: number;
  /** Makes a fallback completion id when the upstream gives none. */
  readonly requestId: string;
}

export interface StreamContext {
  readonly model: string;
  readonly created: number;
  readonly requestId: string;
  /** The client asked `stream_options.include_usage`: end with a usage chunk. */
  readonly includeUsage: boolean;
}

export interface Dialect {
  readonly name: DialectName;
  buildRequest(target: DialectTarget, request: ChatRequest, requestId: string): DialectRequest;
  /** A buffered answer (any status) as an outcome; non-2xx bodies are translated to OpenAI errors. */
  parseResponse(status: number, headers: UpstreamHeaders, body: Buffer, context: ResponseContext): DialectOutcome;
  /** A translator for one 2xx event stream. */
  parseStream(context: StreamContext): StreamTranslator;
}
