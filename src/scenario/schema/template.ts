/**
 * Templates for external targets: `{{name}}` placeholders in the config template, the command,
 * its environment, `url`, `ready_url` and `headers`, filled by the harness once the proxies and
 * the port are known. Placeholders:
 *
 * - `{{port}}`: a free port chosen by the harness for the gateway to listen on
 * - `{{config}}`: path of the filled config file (in the run directory); `{{run_dir}}`
 * - `{{model}}`: the load's model (what clients ask for)
 * - `{{providers.<name>.<attr>}}` and `{{chain.<i>.<attr>}}` (i from 0, in chain order), attr one of
 *   `url` (`http://host:port` of the provider's fault-plane proxy), `base_url` (with the dialect's
 *   version prefix: `/v1`, or `/v1beta` for gemini), `host`, `port`, `address` (`host:port`),
 *   `model`, `dialect`, `name`
 * - `{{env.NAME}}`: the environment variable NAME (a hosted gateway's URL or key: never written to
 *   results); an unset variable is an error when the run starts
 *
 * Unknown placeholders are errors at load time, never silently left in.
 */
import type { ProviderSpec } from './provider-schema.js';

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}/g;

export interface ProviderAddress {
  host: string;
  port: number;
}

export interface TemplateContext {
  port: number;
  config: string | undefined;
  run_dir: string;
  model: string;
  providers: readonly ProviderSpec[];
  chain: readonly string[];
  /** The fault-plane proxy in front of each provider. */
  addressOf(provider: string): ProviderAddress;
  /** An environment variable's value. */
  env(name: string): string | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const VERSION_PREFIX: Readonly<Record<ProviderSpec['dialect'], string>> = Object.freeze({
  openai: '/v1',
  anthropic: '/v1',
  gemini: '/v1beta',
});

/** The value of one placeholder, or undefined when it names nothing. */
export function placeholderValue(key: string, ctx: TemplateContext): string | undefined {
  const parts = key.split('.');
  if (parts.length === 1) {
    if (key === 'port') return String(ctx.port);
    if (key === 'config') return ctx.config;
    if (key === 'run_dir') return ctx.run_dir;
    if (key === 'model') return ctx.model;
    return undefined;
  }
  if (parts.length === 2 && parts[0] === 'env' && ENV_NAME.test(parts[1]!)) return ctx.env(parts[1]!);
  if (parts.length !== 3) return undefined;
  const [group, which, attr] = parts as [string, string, string];
  const providerName =
    group === 'providers' ? which : group === 'chain' && /^\d+$/.test(which) ? ctx.chain[Number(which)] : undefined;
  const provider = ctx.providers.find((p) => p.name === providerName);
  if (provider === undefined) return undefined;
  const { host, port } = ctx.addressOf(provider.name);
  switch (attr) {
    case 'url':
      return `http://${host}:${port}`;
    case 'base_url':
      return `http://${host}:${port}${VERSION_PREFIX[provider.dialect]}`;
    case 'host':
      return host;
    case 'port':
      return String(port);
    case 'address':
      return `${host}:${port}`;
    case 'model':
      return provider.model;
    case 'dialect':
      return provider.dialect;
    case 'name':
      return provider.name;
    default:
      return undefined;
  }
}

/** Placeholders in `text` that name nothing in `ctx`. */
export function unknownPlaceholders(text: string, ctx: TemplateContext): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((key) => placeholderValue(key, ctx) === undefined);
}

/** Fills every placeholder. @throws Error naming the first unknown one (load-time checks make this a bug). */
export function fillTemplate(text: string, ctx: TemplateContext): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = placeholderValue(key, ctx);
    if (value === undefined && key.startsWith('env.'))
      throw new Error(`environment variable ${key.slice(4)} is not set (the scenario uses {{${key}}})`);
    if (value === undefined) throw new Error(`unknown template placeholder {{${key}}}`);
    return value;
  });
}

/** A context with stand-in values, to check templates when the scenario loads. */
export function checkContext(
  providers: readonly ProviderSpec[],
  chain: readonly string[],
  model: string,
  hasConfig: boolean,
): TemplateContext {
  return {
    port: 1,
    config: hasConfig ? '/config' : undefined,
    run_dir: '/run',
    model,
    providers,
    chain,
    addressOf: () => ({ host: '127.0.0.1', port: 1 }),
    // Variables are read when the run starts: a scenario validates without them.
    env: () => 'set-at-run-time',
  };
}
