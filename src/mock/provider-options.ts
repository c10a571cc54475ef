/**
 * A mock provider's options: what callers pass to `startMockProvider`, its frozen defaults, and
 * validation done once at start with messages naming the field and the value received.
 */
import { ConfigInvalidError } from '../errors.js';
import { DIALECT_NAMES, type DialectName, type MockDialect } from './dialect.js';
import { MOCK_DIALECTS } from './dialects.js';
import { latencyProblems, type LatencyModel } from './latency.js';
import { rateLimitProblems, type RateLimitOptions } from './rate-limiter.js';
import { readTlsFiles, type MockTlsFiles, type MockTlsPem } from './tls-files.js';

export interface MockProviderOptions {
  /** Reported in `x-mock-provider` and `owned_by`; also seeds this provider's random streams. */
  name: string;
  /** Wire format spoken. Default `openai` (OpenAI, DeepSeek and other compatible providers). */
  dialect?: DialectName;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Model answered when the request names none. Default: the dialect's (`gpt-4.1-mini` for openai). */
  model?: string;
  /** Models listed by the models endpoint. Default `[model]`. */
  models?: readonly string[];
  /** Fixed time to first token, no per-token time: the shorthand for `latency`. Default 20. */
  latencyMs?: number;
  /** Time to first token and per-token time as distributions; overrides `latencyMs`. */
  latency?: LatencyModel;
  /** Requests- and tokens-per-minute buckets; beyond them, 429s. Default unlimited. */
  rateLimit?: RateLimitOptions;
  /** The same buckets per API key the request carries (as providers meter keys). Default unlimited. */
  rateLimitPerKey?: RateLimitOptions;
  /**
   * The API keys this provider accepts; a request carrying any other key (or none) gets the
   * dialect's 401, as a real provider answers. Default: any key, or none, is accepted.
   */
  apiKeys?: readonly string[];
  /** Seed for token counts, latency draws and fault rates. Default 0. */
  seed?: number;
  /**
   * What seeds an answer's length and words: `provider` (this provider's own stream, the default)
   * or `prompt` (the seed and the last user message: every mock with the same seed answers the
   * same conversation with the same words, so a continuation on another mock can be checked).
   */
  answerSeed?: AnswerSeed;
  /** Serve HTTPS (completions and the control API, same port) with this certificate and key. Default: HTTP. */
  tls?: MockTlsFiles;
}

export const ANSWER_SEEDS = ['provider', 'prompt'] as const;
export type AnswerSeed = (typeof ANSWER_SEEDS)[number];

export const mockProviderDefaults = Object.freeze({
  answerSeed: 'provider' as AnswerSeed,
  dialect: 'openai' as DialectName,
  host: '127.0.0.1',
  port: 0,
  latencyMs: 20,
  seed: 0,
});

/** Options after defaults and validation. */
export interface ResolvedMockOptions {
  readonly name: string;
  readonly dialect: MockDialect;
  readonly host: string;
  readonly port: number;
  readonly model: string;
  readonly models: readonly string[];
  readonly latencyMs: number;
  readonly latency: LatencyModel;
  readonly rateLimit: RateLimitOptions;
  readonly rateLimitPerKey: RateLimitOptions;
  /** `undefined`: every request is accepted whatever key it carries. */
  readonly apiKeys: ReadonlySet<string> | undefined;
  readonly seed: number;
  readonly answerSeed: AnswerSeed;
  /** Read and checked at resolve time; `undefined`: plain HTTP. */
  readonly tls: MockTlsPem | undefined;
}

/** @throws ConfigInvalidError naming every problem. Never mutates `options`. */
export function resolveMockOptions(options: MockProviderOptions): ResolvedMockOptions {
  const { name } = options;
  const problems: string[] = [];
  if (typeof name !== 'string' || !/^[\x21-\x7e]+$/.test(name)) {
    problems.push(`name: expected visible ASCII without spaces, received ${JSON.stringify(name)}`);
  }
  const dialectName = options.dialect ?? mockProviderDefaults.dialect;
  const dialect = MOCK_DIALECTS[dialectName] as MockDialect | undefined;
  if (dialect === undefined)
    problems.push(`dialect: expected one of ${DIALECT_NAMES.join(', ')}, received ${JSON.stringify(dialectName)}`);
  const latencyMs = options.latencyMs ?? mockProviderDefaults.latencyMs;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    problems.push(`latencyMs must be a number >= 0, received ${latencyMs}`);
  }
  if (options.latency !== undefined) problems.push(...latencyProblems('latency', options.latency));
  if (options.rateLimit !== undefined) problems.push(...rateLimitProblems('rateLimit', options.rateLimit));
  if (options.rateLimitPerKey !== undefined)
    problems.push(...rateLimitProblems('rateLimitPerKey', options.rateLimitPerKey));
  const port = options.port ?? mockProviderDefaults.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    problems.push(`port: expected an integer in 0..65535, received ${port}`);
  const seed = options.seed ?? mockProviderDefaults.seed;
  if (!Number.isFinite(seed)) problems.push(`seed: expected a number, received ${seed}`);
  const answerSeed = options.answerSeed ?? mockProviderDefaults.answerSeed;
  if (!ANSWER_SEEDS.includes(answerSeed))
    problems.push(`answerSeed: expected one of ${ANSWER_SEEDS.join(', ')}, received ${JSON.stringify(answerSeed)}`);
  if (
    options.models !== undefined &&
    (!Array.isArray(options.models) || options.models.some((m) => typeof m !== 'string' || m === ''))
  ) {
    problems.push(`models: expected a list of model names, received ${JSON.stringify(options.models)}`);
  }
  if (
    options.apiKeys !== undefined &&
    (!Array.isArray(options.apiKeys) ||
      options.apiKeys.length === 0 ||
      options.apiKeys.some((k) => typeof k !== 'string' || !/^[\x21-\x7e]+$/.test(k)))
  ) {
    // Never the keys themselves: they may be real ones.
    problems.push(`apiKeys: expected a non-empty list of keys (visible ASCII, no spaces)`);
  }
  if (problems.length > 0 || dialect === undefined) {
    throw new ConfigInvalidError(`mock provider ${JSON.stringify(name)}: ${problems.join('; ')}`);
  }
  const tls = options.tls === undefined ? undefined : tlsOf(name, options.tls);
  const model = options.model ?? (dialect.name === 'openai' ? 'gpt-4.1-mini' : dialect.defaultModel);
  return {
    name,
    dialect,
    host: options.host ?? mockProviderDefaults.host,
    port,
    model,
    models: Object.freeze([...(options.models ?? [model])]),
    latencyMs,
    latency: options.latency ?? {},
    rateLimit: options.rateLimit ?? {},
    rateLimitPerKey: options.rateLimitPerKey ?? {},
    apiKeys: options.apiKeys === undefined ? undefined : new Set(options.apiKeys),
    seed,
    answerSeed,
    tls,
  };
}

function tlsOf(name: string, files: MockTlsFiles): MockTlsPem {
  try {
    return readTlsFiles(files);
  } catch (error) {
    throw new ConfigInvalidError(`mock provider ${JSON.stringify(name)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
