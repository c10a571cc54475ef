/**
 * Targets as the hot path uses them: URL split and headers built once at startup, so an attempt
 * only adds its request id.
 */
import type { RelayTargetConfig } from './config.js';

export interface RelayTarget {
  readonly name: string;
  /** Model forced on requests to this target, if configured. */
  readonly model: string | undefined;
  /** `scheme://host:port` of the upstream. */
  readonly origin: string;
  /** Path of the chat-completions endpoint, e.g. `/v1/chat/completions`. */
  readonly completionsPath: string;
  /**
   * Headers sent on every attempt, including `authorization` when a key is configured.
   * Non-enumerable, so logging or serialising a target never shows the key.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Resolves configured targets. API keys are read from `env` now, not per request.
 * A target whose `apiKeyEnv` is unset or empty is called without `authorization`.
 */
export function prepareTargets(
  configs: readonly RelayTargetConfig[],
  env: NodeJS.ProcessEnv = process.env,
): RelayTarget[] {
  return configs.map((config) => {
    const base = new URL(config.baseUrl);
    const key = config.apiKeyEnv === undefined ? undefined : env[config.apiKeyEnv];
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (key) headers['authorization'] = `Bearer ${key}`;
    const target = {
      name: config.name,
      model: config.model,
      origin: base.origin,
      // OpenAI SDK convention: the base URL carries the version prefix; a query string is kept.
      completionsPath: `${base.pathname.replace(/\/+$/, '')}/chat/completions${base.search}`,
    };
    Object.defineProperty(target, 'headers', { value: Object.freeze(headers), enumerable: false });
    return target as RelayTarget;
  });
}
