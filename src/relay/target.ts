/**
 * Targets as the hot path uses them: one provider+model pair of a chain, with its URL split and
 * its auth headers built once at startup, so an attempt only adds its request id.
 */
import type { DialectName, PrefillMode, Price, RelayTarget, TargetKeys, UpstreamDial } from './contract.js';
import type { KeyPool } from './policies/key-pool.js';

export type { Price, RelayTarget } from './contract.js';

/** The wire dialect of a target. */
export type Dialect = DialectName;

/** What a target is built from; the config's provider and chain entries map onto this. */
export interface TargetSpec {
  /** Shown in `x-relay-provider`, events and metrics. Default `${provider}/${model}`. */
  readonly name?: string | undefined;
  /** Provider name (health checks are per provider). Default: `name`, else the URL's host. */
  readonly provider?: string | undefined;
  /** Default `openai`. */
  readonly dialect?: Dialect | undefined;
  /** Upstream model id. Omitted only by legacy single-list configs: the client's model is sent. */
  readonly model?: string | undefined;
  /** Base URL as the provider's SDK takes it, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Environment variable holding the API key. */
  readonly apiKeyEnv?: string | undefined;
  /** A pool of keys instead of `apiKeyEnv` (shared by every target of the provider); its variables must be set. */
  readonly keyPool?: KeyPool | undefined;
  /** Share within an equal-priority group. Default 1. */
  readonly weight?: number | undefined;
  /** Lower goes first; equal = balanced group. Default: the index in the chain. */
  readonly priority?: number | undefined;
  readonly price?: Price | undefined;
  readonly attemptTimeoutMs?: number | undefined;
  readonly ttfbTimeoutMs?: number | undefined;
  readonly streamIdleTimeoutMs?: number | undefined;
  /** `host:port` the socket goes to instead of the URL's host (a fault-plane proxy); TLS still verifies the URL's host. */
  readonly connectTo?: string | undefined;
  /** PEM CA file trusted in addition to the system roots. */
  readonly caFile?: string | undefined;
  /** The model's context window in tokens, if declared. */
  readonly contextWindow?: number | undefined;
  /** How the target continues a cut answer; default: its dialect's (`dialects/prefill.ts`). */
  readonly prefill?: PrefillMode | undefined;
}

export const targetDefaults = Object.freeze({
  weight: 1,
  attemptTimeoutMs: 10_000,
  ttfbTimeoutMs: 10_000,
  streamIdleTimeoutMs: 15_000,
});

export interface TargetDefaults {
  readonly attemptTimeoutMs?: number | undefined;
  readonly ttfbTimeoutMs?: number | undefined;
}

/**
 * Resolves target specs in chain order, sorted by priority (stable). API keys are read from `env`
 * now, not per request; an unset or empty key means no auth header.
 * @throws RangeError naming the target, field and value.
 */
export function prepareTargets(
  specs: readonly TargetSpec[],
  env: NodeJS.ProcessEnv = process.env,
  defaults: TargetDefaults = {},
): RelayTarget[] {
  const targets = specs.map((spec, index) => prepareTarget(spec, index, env, defaults));
  return targets.sort((a, b) => a.priority - b.priority);
}

function prepareTarget(spec: TargetSpec, index: number, env: NodeJS.ProcessEnv, defaults: TargetDefaults): RelayTarget {
  const base = new URL(spec.baseUrl);
  const dialect = spec.dialect ?? 'openai';
  const model = spec.model ?? '';
  const provider = spec.provider ?? spec.name ?? base.host;
  const name = spec.name ?? `${provider}/${model}`;
  const basePath = base.pathname.replace(/\/+$/, '');
  const pooled = spec.keyPool === undefined ? undefined : pooledKeys(name, spec.keyPool, env);
  const key = pooled?.[0] ?? (spec.apiKeyEnv === undefined ? undefined : env[spec.apiKeyEnv]);
  const target = {
    name,
    provider,
    dialect,
    model,
    baseUrl: spec.baseUrl.replace(/\/+$/, ''),
    origin: base.origin,
    basePath,
    search: base.search,
    // OpenAI SDK convention: the base URL carries the version prefix; a query string is kept.
    completionsPath: `${basePath}/chat/completions${base.search}`,
    weight: check(name, 'weight', spec.weight ?? targetDefaults.weight, (v) => v > 0, 'a number > 0'),
    priority: check(name, 'priority', spec.priority ?? index, Number.isFinite, 'a finite number'),
    price: spec.price,
    attemptTimeoutMs: check(
      name,
      'attemptTimeoutMs',
      spec.attemptTimeoutMs ?? defaults.attemptTimeoutMs ?? targetDefaults.attemptTimeoutMs,
      (v) => v > 0,
      'a number > 0',
    ),
    ttfbTimeoutMs: check(
      name,
      'ttfbTimeoutMs',
      spec.ttfbTimeoutMs ?? defaults.ttfbTimeoutMs ?? targetDefaults.ttfbTimeoutMs,
      (v) => v > 0,
      'a number > 0',
    ),
    streamIdleTimeoutMs: check(
      name,
      'streamIdleTimeoutMs',
      spec.streamIdleTimeoutMs ?? targetDefaults.streamIdleTimeoutMs,
      (v) => v > 0,
      'a number > 0',
    ),
    dial: dialOf(base.origin, spec.connectTo, spec.caFile),
    prefill: spec.prefill,
    contextWindow:
      spec.contextWindow === undefined
        ? undefined
        : check(
            name,
            'contextWindow',
            spec.contextWindow,
            (v) => Number.isInteger(v) && v > 0,
            'an integer > 0 (tokens)',
          ),
  };
  Object.defineProperty(target, 'headers', { value: Object.freeze(headersFor(dialect, key)), enumerable: false });
  if (spec.keyPool !== undefined) {
    // One view per key: the target itself but for its headers, built once so an attempt allocates nothing.
    const views = pooled!.map((value) => viewWithKey(target as RelayTarget, dialect, value));
    const keys: TargetKeys = Object.freeze({ pool: spec.keyPool, views: Object.freeze(views) });
    Object.defineProperty(target, 'keys', { value: keys, enumerable: false });
  }
  return target as RelayTarget;
}

/** The pool's key values, read once; a pool never silently shrinks to fewer keys than configured. */
function pooledKeys(name: string, pool: KeyPool, env: NodeJS.ProcessEnv): string[] {
  return pool.envNames.map((variable) => {
    const value = env[variable];
    if (!value) throw new RangeError(`target ${name}: apiKeyEnvs: environment variable ${variable} is unset or empty`);
    return value;
  });
}

function viewWithKey(target: RelayTarget, dialect: Dialect, key: string): RelayTarget {
  const headers = Object.freeze(headersFor(dialect, key));
  return Object.freeze(Object.create(target, { headers: { value: headers, enumerable: false } }) as RelayTarget);
}

/** `undefined` for a plain dial, so the hot path of most targets keys its pool by origin alone. */
function dialOf(origin: string, connectTo: string | undefined, caFile: string | undefined): UpstreamDial | undefined {
  if (connectTo === undefined && caFile === undefined) return undefined;
  // Two providers on one origin reached differently must not share sockets.
  return Object.freeze({ key: `${origin} via ${connectTo ?? '-'} ca ${caFile ?? '-'}`, connectTo, caFile });
}

/** Auth as each provider expects it; Anthropic also wants its API version on every call. */
function headersFor(dialect: Dialect, key: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  switch (dialect) {
    case 'openai':
      if (key) headers['authorization'] = `Bearer ${key}`;
      return headers;
    case 'anthropic':
      headers['anthropic-version'] = '2023-06-01';
      if (key) headers['x-api-key'] = key;
      return headers;
    case 'gemini':
      if (key) headers['x-goog-api-key'] = key;
      return headers;
    default: {
      const unreachable: never = dialect;
      return unreachable;
    }
  }
}

function check(name: string, field: string, value: number, ok: (value: number) => boolean, allowed: string): number {
  if (typeof value === 'number' && ok(value)) return value;
  throw new RangeError(`target ${name}: ${field}: expected ${allowed}, got ${String(value)}`);
}
