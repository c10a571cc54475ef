/**
 * `relaybench mock --config providers.yaml`: several mock providers from one YAML file, validated
 * with `file:line:col` messages. Keys are snake_case like scenario files:
 *
 * ```yaml
 * seed: 7                      # default 1; each provider derives its own streams from it
 * providers:
 *   - name: openai
 *     dialect: openai          # openai | anthropic | gemini
 *     port: 9001               # default 0 (ephemeral)
 *     model: gpt-4.1-mini
 *     latency: { ttft: { p50: 300, p99: 1500 }, per_token: { mean: 12, sd: 3 } }   # or latency_ms: 200
 *     rate_limit: { rpm: 500, tpm: 200000 }
 *     rate_limit_per_key: { rpm: 60 }   # each API key a request carries has its own buckets
 *     api_keys_env: MOCK_OPENAI_KEYS    # accept only these keys (comma-separated in the variable); others get 401
 *     tls: { cert: certs/openai.pem, key: certs/openai.key }   # HTTPS for this one; overrides the top-level tls
 * tls: { cert: certs/mock.pem, key: certs/mock.key }   # optional: every provider serves HTTPS
 * ```
 *
 * TLS paths are relative to the providers file; the files are read and checked when it loads.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigInvalidError } from '../errors.js';
import { describeAt, describeZodIssue, parseYamlSource, type IssuePath, type YamlSource } from '../yaml-errors.js';
import { DIALECT_NAMES } from './dialect.js';
import type { Distribution } from './distribution.js';
import type { MockProviderOptions } from './provider-options.js';
import { readTlsFiles, type MockTlsFiles } from './tls-files.js';

const ms = z.number().min(0);
const distribution = z.union([
  ms,
  z.strictObject({ mean: ms, sd: ms }),
  z
    .strictObject({ p50: z.number().positive(), p99: z.number().positive() })
    .refine((d) => d.p99 >= d.p50, { message: 'p99 must be >= p50' }),
]);

const tls = z.strictObject({ cert: z.string().min(1), key: z.string().min(1) });

const provider = z.strictObject({
  name: z.string().regex(/^[\x21-\x7e]+$/, 'use visible ASCII without spaces'),
  dialect: z.enum(DIALECT_NAMES).default('openai'),
  host: z.string().optional(),
  port: z.number().int().min(0).max(65_535).default(0),
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).min(1).optional(),
  latency_ms: ms.optional(),
  latency: z.strictObject({ ttft: distribution.optional(), per_token: distribution.optional() }).optional(),
  rate_limit: z
    .strictObject({ rpm: z.number().positive().optional(), tpm: z.number().positive().optional() })
    .optional(),
  rate_limit_per_key: z
    .strictObject({ rpm: z.number().positive().optional(), tpm: z.number().positive().optional() })
    .optional(),
  seed: z.number().int().optional(),
  tls: tls.optional(),
  api_keys_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable holding comma-separated keys')
    .optional(),
});

export const providersFileSchema = z.strictObject({
  seed: z.number().int().default(1),
  host: z.string().default('127.0.0.1'),
  providers: z.array(provider).min(1),
  tls: tls.optional(),
});

/**
 * Parses providers YAML text; `file` names the source in messages; `env` holds the variables
 * `api_keys_env` names. @throws ConfigInvalidError
 */
export function parseProvidersConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): MockProviderOptions[] {
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) throw new ConfigInvalidError(`invalid mock providers file ${file}\n${parsed.errors.join('\n')}`);
  const result = providersFileSchema.safeParse(parsed.value);
  if (!result.success) {
    const lines = result.error.issues.flatMap((issue) =>
      describeZodIssue(issue, { schema: providersFileSchema, source: parsed.source }),
    );
    throw new ConfigInvalidError(`invalid mock providers file ${file}\n${lines.join('\n')}`);
  }
  const config = result.data;
  const problems: string[] = [];
  const names = new Set<string>();
  const ports = new Set<number>();
  config.providers.forEach((p, i) => {
    if (names.has(p.name))
      problems.push(
        describeAt(parsed.source, ['providers', i, 'name'], `duplicate provider name ${JSON.stringify(p.name)}`),
      );
    if (p.port !== 0 && ports.has(p.port))
      problems.push(
        describeAt(parsed.source, ['providers', i, 'port'], `port ${p.port} is already used by another provider`),
      );
    if (p.latency !== undefined && p.latency_ms !== undefined)
      problems.push(describeAt(parsed.source, ['providers', i, 'latency_ms'], 'give latency or latency_ms, not both'));
    if (p.api_keys_env !== undefined && keysIn(env[p.api_keys_env]).length === 0)
      problems.push(
        describeAt(
          parsed.source,
          ['providers', i, 'api_keys_env'],
          `environment variable ${p.api_keys_env} is not set or holds no key (expected comma-separated keys)`,
        ),
      );
    names.add(p.name);
    ports.add(p.port);
  });
  const providerTls = tlsFilesOf(config, file, parsed.source, problems);
  if (problems.length > 0) throw new ConfigInvalidError(`invalid mock providers file ${file}\n${problems.join('\n')}`);
  return config.providers.map((p, i) => ({
    name: p.name,
    dialect: p.dialect,
    host: p.host ?? config.host,
    port: p.port,
    ...(p.model === undefined ? {} : { model: p.model }),
    ...(p.models === undefined ? {} : { models: p.models }),
    ...(p.latency_ms === undefined ? {} : { latencyMs: p.latency_ms }),
    ...(p.latency === undefined ? {} : { latency: latencyOf(p.latency) }),
    ...(p.rate_limit === undefined ? {} : { rateLimit: p.rate_limit }),
    ...(p.rate_limit_per_key === undefined ? {} : { rateLimitPerKey: p.rate_limit_per_key }),
    ...(p.api_keys_env === undefined ? {} : { apiKeys: keysIn(env[p.api_keys_env]) }),
    seed: p.seed ?? config.seed,
    ...(providerTls[i] === undefined ? {} : { tls: providerTls[i] }),
  }));
}

function keysIn(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

/** Reads and parses a providers file. @throws ConfigInvalidError */
export async function loadProvidersConfig(file: string): Promise<MockProviderOptions[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigInvalidError(`mock providers file ${file}: cannot read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseProvidersConfig(text, file);
}

/** Each provider's TLS files (its own, else the file's), resolved against the file's folder and checked. */
function tlsFilesOf(
  config: z.output<typeof providersFileSchema>,
  file: string,
  source: YamlSource,
  problems: string[],
): (MockTlsFiles | undefined)[] {
  const filesOf = (at: IssuePath, given: z.output<typeof tls> | undefined): MockTlsFiles | undefined => {
    if (given === undefined) return undefined;
    const files = { certFile: resolve(dirname(file), given.cert), keyFile: resolve(dirname(file), given.key) };
    try {
      readTlsFiles(files, { cert: 'tls.cert', key: 'tls.key' });
    } catch (error) {
      problems.push(describeAt(source, [...at, 'tls'], (error as Error).message));
    }
    return files;
  };
  const shared = filesOf([], config.tls);
  return config.providers.map((p, i) => filesOf(['providers', i], p.tls) ?? shared);
}

function latencyOf(latency: {
  ttft?: Distribution | undefined;
  per_token?: Distribution | undefined;
}): MockProviderOptions['latency'] {
  return {
    ...(latency.ttft === undefined ? {} : { ttft: latency.ttft }),
    ...(latency.per_token === undefined ? {} : { perToken: latency.per_token }),
  };
}
