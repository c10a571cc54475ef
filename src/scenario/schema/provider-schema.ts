/**
 * One entry of a scenario's `providers:` list. Three kinds of provider share the list:
 *
 * - a **mock** the harness starts (the default), in its own process behind its own fault-plane
 *   proxy; latency and rate limits are the mock's own (src/mock);
 * - a **remote mock**: `url:` of a `relaybench mock` already running elsewhere (a staging cluster);
 *   HTTP-level faults go through its control API, attribution comes from its request log;
 * - an **upstream**: a real provider API (`kind: upstream`, or any provider with `api_key_env`);
 *   only TCP-level faults apply, and the answers' own usage is what gets priced.
 *
 * ```yaml
 * - name: openai
 *   dialect: openai              # openai | anthropic | gemini (default openai)
 *   model: gpt-4.1-mini          # default: the dialect's
 *   latency: 20ms                # (started mock) fixed time to first token (default 20ms)
 *   ttft: { p50: 300ms, p99: 1.5s }   # (started mock) or 300ms, or { mean, sd }; overrides latency
 *   per_token: { mean: 12ms, sd: 3ms } # (started mock) time between tokens (default 0)
 *   rpm: 600                     # (started mock) requests per minute before 429s
 *   tpm: 200000                  # (started mock) tokens per minute before 429s
 *   keys: 2                      # (started mock) a pool of 2 API keys the harness makes; the mock accepts only them
 *   key_rpm: 60                  # (started mock, with keys) requests per minute per key before 429s
 *   key_tpm: 20000               # (started mock, with keys) tokens per minute per key before 429s
 * - name: staging-mock
 *   url: http://mock-openai.staging.svc:8080   # a relaybench mock running there
 * - name: real-openai
 *   kind: upstream
 *   url: https://api.openai.com/v1             # the API's base URL, version prefix included
 *   api_key_env: OPENAI_API_KEY                # the key is read from this variable, never written
 *   # api_key_envs: [OPENAI_KEY_A, OPENAI_KEY_B] # or a pool of keys (our relay spreads requests over them)
 *   ca_file: stand-in-ca.pem                   # extra CA to trust (stand-ins); relative to the file
 *   proxy_port: 21001                          # fixed fault-plane proxy port (deployed relays call it)
 * ```
 */
import { z } from 'zod';
import { distribution, duration, name, wholeNumber } from './units.js';

export const DIALECTS = ['openai', 'anthropic', 'gemini'] as const;
export type ProviderDialect = (typeof DIALECTS)[number];

export const PROVIDER_KINDS = ['mock', 'upstream'] as const;

/** The model a mock of each dialect answers with when the scenario names none. */
export const DEFAULT_MODEL: Readonly<Record<ProviderDialect, string>> = Object.freeze({
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-20250514',
  gemini: 'gemini-2.0-flash',
});

/** Settings of a mock the harness starts; a running mock or a real API has its own. */
const STARTED_MOCK_FIELDS = ['latency', 'ttft', 'per_token', 'rpm', 'tpm', 'key_rpm', 'key_tpm'] as const;

/** Keys in one pool at most: our relay's limit (relay/policies/key-pool.ts). */
export const MAX_PROVIDER_KEYS = 31;

const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.openai.com/v1' });
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable such as OPENAI_API_KEY');

export const providerSchema = z
  .strictObject({
    /** Name used in chains, faults, templates and reports. */
    name,
    /** Model the provider serves; default: the dialect's (`gpt-4.1-mini` for openai). */
    model: z.string().min(1).optional(),
    /** Fixed time to first token of the mock (the shorthand for `ttft`). Default 20ms. */
    latency: duration().optional(),
    /** Wire format the provider speaks: `openai` (also DeepSeek-style), `anthropic` (Messages) or `gemini`. */
    dialect: z.enum(DIALECTS).default('openai'),
    /** Time to first token as a distribution (`300ms`, `{ mean, sd }`, `{ p50, p99 }`); overrides `latency`. */
    ttft: distribution().optional(),
    /** Time per generated token as a distribution; default 0 (the whole answer at once). */
    per_token: distribution().optional(),
    /** Requests-per-minute limit of the mock; beyond it, 429 with Retry-After. */
    rpm: z.number().positive().optional(),
    /** Tokens-per-minute limit of the mock; beyond it, 429 with Retry-After. */
    tpm: z.number().positive().optional(),
    /** `mock` (default; started by the harness, or running at `url`) or `upstream` (a real API at `url`). */
    kind: z.enum(PROVIDER_KINDS).optional(),
    /** A running provider's base URL: a `relaybench mock`'s address, or a real API's base URL (`.../v1`). */
    url: url.optional(),
    /** upstream: the environment variable holding its API key (sent as the dialect's auth header). */
    api_key_env: envName.optional(),
    /** upstream: several keys, one variable each: our relay's key pool for this provider (`apiKeyEnvs`). */
    api_key_envs: z.array(envName).min(1).max(MAX_PROVIDER_KEYS).optional(),
    /** started mock: a pool of this many API keys, made by the harness; the mock accepts only them. */
    keys: wholeNumber(1, MAX_PROVIDER_KEYS, 'the number of keys in the pool').optional(),
    /** started mock with `keys`: requests-per-minute limit of each key; beyond it, 429 for that key only. */
    key_rpm: z.number().positive().optional(),
    /** started mock with `keys`: tokens-per-minute limit of each key; beyond it, 429 for that key only. */
    key_tpm: z.number().positive().optional(),
    /** A PEM CA certificate to trust for this provider's TLS, besides the system's (stand-ins). */
    ca_file: z.string().min(1).optional(),
    /** Port of its fault-plane proxy (default: any free port); fixed when a deployed relay calls it. */
    proxy_port: z.number().int().min(1).max(65_535).optional(),
  })
  .superRefine((p, ctx) => {
    const kind = kindOf(p);
    const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    keyProblems(p, kind, issue);
    if (kind === 'upstream' && p.url === undefined)
      issue('url', "an upstream provider needs 'url' (its API's base URL, e.g. https://api.openai.com/v1)");
    if (kind === 'mock' && p.api_key_env !== undefined)
      issue('api_key_env', "a mock takes no API key; for a real API say 'kind: upstream'");
    if (p.url !== undefined && /^[a-z]+:\/\/[^/]*@/i.test(p.url))
      issue('url', 'credentials in a URL end up in results and logs; name the key with api_key_env');
    if (p.url === undefined) {
      if (p.ca_file !== undefined) issue('ca_file', "only with 'url' (a started mock speaks plain HTTP)");
      return;
    }
    const running = kind === 'upstream' ? 'an upstream provider' : `the mock running at ${p.url}`;
    for (const field of STARTED_MOCK_FIELDS) {
      if (p[field] !== undefined)
        issue(field, `a setting of a mock the harness starts; ${running} has its own (remove it, or remove 'url')`);
    }
  })
  .transform((p) => ({
    ...p,
    kind: kindOf(p),
    model: p.model ?? DEFAULT_MODEL[p.dialect],
    latency: p.latency ?? 20,
  }));

export type ProviderSpec = z.output<typeof providerSchema>;

type KeyFields = { kind?: 'mock' | 'upstream' | undefined; api_key_env?: string | undefined; api_key_envs?: unknown };

/** A provider named with a key (or keys) is an upstream unless it says otherwise. */
function kindOf(p: KeyFields): 'mock' | 'upstream' {
  return p.kind ?? (p.api_key_env === undefined && p.api_key_envs === undefined ? 'mock' : 'upstream');
}

/** Keys: one variable or a pool of variables for an upstream, a number of made-up keys for a started mock. */
function keyProblems(
  p: KeyFields & {
    url?: string | undefined;
    keys?: number | undefined;
    key_rpm?: number | undefined;
    key_tpm?: number | undefined;
  },
  kind: 'mock' | 'upstream',
  issue: (path: string, message: string) => void,
): void {
  if (p.api_key_env !== undefined && p.api_key_envs !== undefined)
    issue('api_key_envs', 'give api_key_env (one key) or api_key_envs (a pool), not both');
  if (kind === 'mock' && p.api_key_envs !== undefined)
    issue(
      'api_key_envs',
      "a mock takes no API key variables; for a pool of keys on a mock say 'keys: N' (the harness makes them)",
    );
  if (Array.isArray(p.api_key_envs)) {
    const twice = p.api_key_envs.find((name, i, all) => all.indexOf(name) !== i);
    if (twice !== undefined) issue('api_key_envs', `${String(twice)} is listed twice (each key once)`);
  }
  if (p.keys !== undefined && kind === 'upstream')
    issue('keys', "an upstream's keys are real ones: name their variables with api_key_envs");
  else if (p.keys !== undefined && p.url !== undefined)
    issue(
      'keys',
      `the harness makes keys only for a mock it starts; the mock running at ${p.url} has its own (remove 'url' or 'keys')`,
    );
  if (p.keys === undefined) {
    for (const field of ['key_rpm', 'key_tpm'] as const)
      if (p[field] !== undefined) issue(field, `a limit per key needs 'keys: N' (the pool the harness makes)`);
  }
}

/** Whether the harness starts this provider (a mock without `url`). */
export function isStartedMock(provider: Pick<ProviderSpec, 'kind' | 'url'>): boolean {
  return provider.kind === 'mock' && provider.url === undefined;
}

/** Whether the provider is a `relaybench mock` (started or running), so its control API and log exist. */
export function isMock(provider: Pick<ProviderSpec, 'kind'>): boolean {
  return provider.kind === 'mock';
}
