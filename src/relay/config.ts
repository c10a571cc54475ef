/**
 * Relay configuration: one zod schema, parsed once at startup. Errors name every offending field
 * by path, the value received and what is allowed, and are thrown as {@link ConfigInvalidError}.
 */
import { z } from 'zod';
import { ConfigInvalidError } from '../errors.js';

/** One upstream provider. The order of `targets` is the fallback order. */
export interface RelayTargetConfig {
  /** Shown in `x-relay-provider` and error messages: letters, digits, `.`, `_`, `:`, `-`. */
  readonly name: string;
  /** OpenAI-style base URL including the version prefix, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Replaces the request's `model` when sending to this target. */
  readonly model?: string | undefined;
  /** Environment variable holding the API key sent as `Authorization: Bearer`. */
  readonly apiKeyEnv?: string | undefined;
}

export interface RelayConfig {
  readonly host: string;
  /** 0 picks an ephemeral port. */
  readonly port: number;
  /** Budget of one upstream attempt, from send to the last body byte. */
  readonly attemptTimeoutMs: number;
  /** Priority order = fallback chain; at least one. */
  readonly targets: readonly RelayTargetConfig[];
}

export const relayConfigDefaults = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  attemptTimeoutMs: 10_000,
});

const targetSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._:-]+$/, 'expected letters, digits, ".", "_", ":" or "-"'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  model: z.string().min(1).optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
    .optional(),
});

const relayConfigSchema = z.strictObject({
  host: z.string().min(1).default(relayConfigDefaults.host),
  port: z.number().int().min(0).max(65_535).default(relayConfigDefaults.port),
  attemptTimeoutMs: z.number().int().min(1).max(600_000).default(relayConfigDefaults.attemptTimeoutMs),
  targets: z
    .array(targetSchema)
    .min(1)
    .superRefine((targets, ctx) => {
      const seen = new Set<string>();
      targets.forEach((target, index) => {
        if (seen.has(target.name)) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], input: target.name, message: 'duplicate target name' });
        }
        seen.add(target.name);
      });
    }),
});

/**
 * Validates and fills defaults. Never mutates `input`.
 * @throws ConfigInvalidError listing every problem as `path: message (received value)`.
 */
export function parseRelayConfig(input: unknown): RelayConfig {
  const result = relayConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(describeIssue);
  throw new ConfigInvalidError(`invalid relay config: ${problems.join('; ')}`, { cause: result.error });
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    // The issue's input is the whole object; point at each unknown key instead.
    const parent = (issue.input ?? {}) as Record<string, unknown>;
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field (got ${show(parent[key])})`);
  }
  return [`${formatPath(issue.path)}: ${issue.message} (got ${show(issue.input)})`];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
