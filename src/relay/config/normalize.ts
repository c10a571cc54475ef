/**
 * Turns a parsed config object into the frozen `RelayConfig`: picks the form (full or legacy),
 * validates with zod, refuses secrets, runs the cross-field checks and fills derived values
 * (target names, priorities). All problems are thrown together in one `ConfigInvalidError`.
 */
import { ConfigInvalidError } from '../../errors.js';
import { describeAt, describeZodIssue, fieldName, type YamlSource } from '../../yaml-errors.js';
import { crossCheck } from './checks.js';
import { relayConfigDefaults as D } from './defaults.js';
import { caFileProblems, resolveCaFile } from './dial-fields.js';
import { fullConfigSchema, legacyConfigSchema, type FullConfigInput, type LegacyConfigInput } from './schema.js';
import { findSecrets, isSecretPath } from './secrets.js';
import type { AliasConfig, ChainEntryConfig, RelayConfig } from './types.js';

type Source = YamlSource | string | undefined;
type Overrides = { readonly port?: number | undefined; readonly host?: string | undefined };

/** @param baseDir folder a relative `caFile` is resolved against. */
export function validateRelayConfig(
  input: unknown,
  source: Source,
  overrides: Overrides,
  baseDir: string = process.cwd(),
): RelayConfig {
  const record =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : undefined;
  const legacy = record !== undefined && 'targets' in record;
  const problems: string[] = [];
  if (legacy && ('providers' in record || 'models' in record || 'server' in record)) {
    problems.push(
      describeAt(
        source,
        ['targets'],
        'the legacy `targets` list cannot be combined with server/providers/models; use providers + models',
      ),
    );
  }
  const secrets = findSecrets(input);
  const secretFields = new Set(secrets.map((finding) => fieldName(finding.path)));
  for (const finding of secrets) problems.push(describeAt(source, finding.path, finding.message));

  const schema = legacy ? legacyConfigSchema : fullConfigSchema;
  const result = schema.safeParse(input);
  const describe = { schema, source, input, quote: 'always' as const, redact: isSecretPath };
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const line of describeZodIssue(issue, describe)) {
        // A secret field is already reported (without its value); one line per problem is enough.
        if (![...secretFields].some((field) => line.includes(`field '${field}'`))) problems.push(line);
      }
    }
  } else if (!legacy) {
    const full = result.data as FullConfigInput;
    for (const { path, message } of [...crossCheck(full), ...caFileProblems(full.providers, baseDir)])
      problems.push(describeAt(source, path, message));
  }
  problems.push(...checkOverrides(overrides));
  if (problems.length > 0 || !result.success) {
    const from = source === undefined ? '' : ` ${typeof source === 'string' ? source : source.file}`;
    throw new ConfigInvalidError(`invalid relay config${from}\n${problems.join('\n')}`);
  }
  const config = legacy
    ? fromLegacy(result.data as LegacyConfigInput)
    : fromFull(result.data as FullConfigInput, baseDir);
  const server = { ...config.server, ...definedOnly(overrides) };
  return deepFreeze({ ...config, server });
}

function fromFull(input: FullConfigInput, baseDir: string): RelayConfig {
  const models: Record<string, AliasConfig> = Object.create(null) as Record<string, AliasConfig>;
  for (const [alias, { chain, continueOnCut }] of Object.entries(input.models)) {
    models[alias] = {
      continueOnCut,
      chain: chain.map((entry, index): ChainEntryConfig => ({
        name: entry.name ?? `${entry.provider}/${entry.model}`,
        provider: entry.provider,
        model: entry.model,
        weight: entry.weight,
        priority: entry.priority ?? index,
        price: entry.price && { inputPerMTok: entry.price.input, outputPerMTok: entry.price.output },
        maxOutputTokens: entry.maxOutputTokens,
        contextWindow: entry.contextWindow,
      })),
    };
  }
  return {
    server: input.server,
    auth: {
      keys: input.auth.keys.map((key) => ({
        ...key,
        budgetUsd: key.budgetUsd,
        downgradeTo: key.downgradeTo,
        requestsPerMinute: key.requestsPerMinute,
      })),
      adminKeys: input.auth.adminKeys,
    },
    providers: input.providers.map((provider) => ({
      ...provider,
      apiKeyEnv: provider.apiKeyEnv,
      apiKeyEnvs: provider.apiKeyEnvs,
      healthCheck: provider.healthCheck,
      connectTo: provider.connectTo,
      caFile: provider.caFile === undefined ? undefined : resolveCaFile(provider.caFile, baseDir),
      prefill: provider.prefill,
    })),
    models,
    catchAll: undefined,
    policies: input.policies,
    logging: input.logging,
    state: stateOf(input.state),
  };
}

/** One OpenAI-dialect provider per target; the targets in order become the catch-all chain. */
function fromLegacy(input: LegacyConfigInput): RelayConfig {
  return {
    server: { ...D.server, host: input.host, port: input.port },
    auth: { keys: [], adminKeys: [] },
    providers: input.targets.map((target) => ({
      name: target.name,
      dialect: 'openai',
      baseUrl: target.baseUrl,
      apiKeyEnv: target.apiKeyEnv,
      apiKeyEnvs: undefined,
      keySelection: D.provider.keySelection,
      keyProbeAfterMs: D.provider.keyProbeAfterMs,
      attemptTimeoutMs: input.attemptTimeoutMs,
      ttfbTimeoutMs: input.attemptTimeoutMs,
      streamIdleTimeoutMs: D.provider.streamIdleTimeoutMs,
      healthCheck: undefined,
      connectTo: undefined,
      caFile: undefined,
      prefill: undefined,
    })),
    models: Object.create(null) as Record<string, AliasConfig>,
    catchAll: input.targets.map((target, index) => ({
      name: target.name,
      provider: target.name,
      model: target.model,
      weight: D.chainEntry.weight,
      priority: index,
      price: undefined,
      maxOutputTokens: undefined,
      contextWindow: undefined,
    })),
    policies: D.policies,
    // The short form is for quick starts and harness runs: request lines only for problems.
    logging: { ...D.logging, level: 'warn' },
    state: stateOf(input.state),
  };
}

function stateOf(input: FullConfigInput['state']): RelayConfig['state'] {
  const redis = input.redis;
  return { redis: redis && { ...redis, passwordEnv: redis.passwordEnv } };
}

function checkOverrides(overrides: Overrides): string[] {
  const problems: string[] = [];
  const { port, host } = overrides;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    problems.push(`--port: expected an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  }
  if (host !== undefined && host === '') problems.push('--host: expected a host name or address, got ""');
  return problems;
}

function definedOnly(overrides: Overrides): Overrides {
  const out: { port?: number; host?: string } = {};
  if (overrides.port !== undefined) out.port = overrides.port;
  if (overrides.host !== undefined) out.host = overrides.host;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
