/**
 * Relay configuration: ONE YAML (or JSON) file, validated once at startup. Every problem is
 * reported at once as `file:line:col: field 'path': message, got value` (secrets never echoed)
 * and thrown as {@link ConfigInvalidError}. The schema lives in `config/schema.ts`,
 * the normalisation (defaults, legacy form, cross-field checks) in `config/normalize.ts`;
 * `fixtures/relay.example.yaml` documents every field.
 *
 * Two accepted forms: the full form (`server`, `auth`, `providers`, `models`, `policies`,
 * `logging`) and the legacy skeleton form `{ host, port, attemptTimeoutMs, targets }` that the
 * harness runner generates, which becomes one OpenAI-dialect provider per target and a catch-all
 * chain (`catchAll`) serving any requested model.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigInvalidError } from '../errors.js';
import { parseYamlSource, type YamlSource } from '../yaml-errors.js';
import { validateRelayConfig } from './config/normalize.js';
import type { RelayConfig } from './config/types.js';

export type * from './config/types.js';
export { relayConfigDefaults } from './config/defaults.js';

export interface ParseOptions {
  /** Where `input` came from, for messages: the parsed YAML (positions) or a label (`--config-json`). */
  readonly source?: YamlSource | string | undefined;
  /** Command-line overrides applied before validation (validated like the file's values). */
  readonly overrides?: { readonly port?: number | undefined; readonly host?: string | undefined };
  /** Folder a relative provider `caFile` is resolved against. Default: the working directory. */
  readonly baseDir?: string | undefined;
}

/**
 * Validates a config object (already parsed from YAML/JSON) and fills defaults. Never mutates
 * `input`; the result is deeply frozen.
 * @throws ConfigInvalidError listing every problem, one per line.
 */
export function parseRelayConfig(input: unknown, options: ParseOptions = {}): RelayConfig {
  return validateRelayConfig(input, options.source, options.overrides ?? {}, options.baseDir);
}

/** Parses YAML (or JSON) text; `file` names the source in messages. A relative `caFile` is taken from `baseDir`. */
export function parseRelayConfigText(
  text: string,
  file: string,
  overrides: ParseOptions['overrides'] = {},
  baseDir?: string,
): RelayConfig {
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) throw new ConfigInvalidError(`invalid relay config ${file}\n${parsed.errors.join('\n')}`);
  return validateRelayConfig(parsed.value, parsed.source, overrides, baseDir);
}

/** Reads and parses a config file; a relative provider `caFile` is taken from the file's folder. */
export async function loadRelayConfig(file: string, overrides: ParseOptions['overrides'] = {}): Promise<RelayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigInvalidError(`relay config ${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseRelayConfigText(text, file, overrides, dirname(file));
}
