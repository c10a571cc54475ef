/** The serve commands: each runs one service until stopped (standalone, or as a runner's child). */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { startToxiproxyServer } from '../chaos/server.js';
import { ConfigInvalidError } from '../errors.js';
import { startMockProvider } from '../mock/openai-provider.js';
import { parseRelayConfig } from '../relay/config.js';
import { startRelay } from '../relay/server.js';
import { serveUntilStopped } from './serve-lifecycle.js';

export async function serveToxiproxy(options: { host: string; port: number; seed: number }): Promise<void> {
  serveUntilStopped('toxiproxy-compatible fault plane', await startToxiproxyServer(options));
}

export async function serveMock(options: { name: string; host: string; port: number; model: string; latencyMs: number; seed: number }): Promise<void> {
  serveUntilStopped(`mock provider '${options.name}'`, await startMockProvider(options));
}

export async function serveRelay(options: { config?: string; configJson?: string; port?: number }): Promise<void> {
  const raw = options.configJson !== undefined ? parseJson(options.configJson) : await readConfigFile(options.config);
  const config = parseRelayConfig(options.port === undefined ? raw : { ...(raw as object), port: options.port });
  serveUntilStopped('relay', await startRelay(config));
}

async function readConfigFile(file: string | undefined): Promise<unknown> {
  if (!file) throw new ConfigInvalidError('relay: give --config <file.yaml|json> or --config-json <json>');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigInvalidError(`relay config ${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseYaml(text); // YAML is a superset of JSON, so one parser serves both
  } catch (error) {
    throw new ConfigInvalidError(`relay config ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigInvalidError(`relay --config-json: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
