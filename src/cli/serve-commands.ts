/** The serve commands: each runs one service until stopped (standalone, or as a runner's child). */
import { startToxiproxyServer } from '../chaos/server.js';
import { ConfigInvalidError } from '../errors.js';
import { startMockProvider } from '../mock/openai-provider.js';
import { loadRelayConfig, parseRelayConfigText } from '../relay/config.js';
import { startRelay } from '../relay/server.js';
import { serveUntilStopped } from './serve-lifecycle.js';

export async function serveToxiproxy(options: { host: string; port: number; seed: number }): Promise<void> {
  serveUntilStopped('toxiproxy-compatible fault plane', await startToxiproxyServer(options));
}

export async function serveMock(options: { name: string; host: string; port: number; model: string; latencyMs: number; seed: number }): Promise<void> {
  serveUntilStopped(`mock provider '${options.name}'`, await startMockProvider(options));
}

export async function serveRelay(options: { config?: string; configJson?: string; port?: number }): Promise<void> {
  const overrides = options.port === undefined ? {} : { port: options.port };
  let config;
  if (options.configJson !== undefined) {
    config = parseRelayConfigText(options.configJson, '--config-json', overrides); // JSON is YAML
  } else if (options.config) {
    config = await loadRelayConfig(options.config, overrides);
  } else {
    throw new ConfigInvalidError('relay: give --config <file.yaml|json> or --config-json <json>');
  }
  serveUntilStopped('relay', await startRelay(config));
}
