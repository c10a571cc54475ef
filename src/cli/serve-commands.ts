/**
 * The serve commands: each runs one service until stopped (standalone, or as a runner's child).
 * Each loads only its own service's modules: a run starts one child per mock and relay, and a
 * mock's child need not load the relay (that alone took ~1 s per child on this machine).
 */
import { ConfigInvalidError } from '../errors.js';
import type { DialectName } from '../mock/dialect.js';
import { serveUntilStopped } from './serve-lifecycle.js';

export async function serveToxiproxy(options: { host: string; port: number; seed: number }): Promise<void> {
  const { startToxiproxyServer } = await import('../chaos/server.js');
  serveUntilStopped('toxiproxy-compatible fault plane', await startToxiproxyServer(options));
}

export interface ServeMockOptions {
  /** Serve every provider in this YAML file; the other options are then ignored. */
  config?: string | undefined;
  name: string;
  dialect: DialectName;
  host: string;
  port: number;
  model?: string | undefined;
  latencyMs: number;
  rpm?: number | undefined;
  tpm?: number | undefined;
  seed: number;
  /** With `tlsKey`: serve HTTPS with this PEM certificate. */
  tlsCert?: string | undefined;
  /** With `tlsCert`: its PEM private key. */
  tlsKey?: string | undefined;
}

const TLS_FLAGS = Object.freeze({ cert: '--tls-cert', key: '--tls-key' });

export async function serveMock(options: ServeMockOptions): Promise<void> {
  const [{ startMockProvider }, { loadProvidersConfig }, { startMockProviders }, { readTlsFiles, tlsPairOf }] =
    await Promise.all([
      import('../mock/openai-provider.js'),
      import('../mock/provider-config.js'),
      import('../mock/provider-group.js'),
      import('../mock/tls-files.js'),
    ]);
  if (options.config !== undefined) {
    if (options.tlsCert !== undefined || options.tlsKey !== undefined)
      throw new ConfigInvalidError(
        '--tls-cert/--tls-key do not apply with --config: use its tls: { cert, key } section',
      );
    serveUntilStopped('mock providers', await startMockProviders(await loadProvidersConfig(options.config)));
    return;
  }
  const { name, dialect, host, port, model, latencyMs, rpm, tpm, seed } = options;
  const tls = tlsPairOf(options.tlsCert, options.tlsKey, TLS_FLAGS);
  // Checked here too, so a bad file is reported by the flag that named it.
  if (tls !== undefined) readTlsFiles(tls, TLS_FLAGS);
  const rateLimit =
    rpm === undefined && tpm === undefined
      ? undefined
      : { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) };
  const provider = await startMockProvider({
    name,
    dialect,
    host,
    port,
    latencyMs,
    seed,
    ...(model === undefined ? {} : { model }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(tls === undefined ? {} : { tls }),
  });
  serveUntilStopped(`mock ${dialect} provider '${name}'`, provider);
}

export async function serveRelay(options: { config?: string; configJson?: string; port?: number }): Promise<void> {
  const [{ loadRelayConfig, parseRelayConfigText }, { startRelay }] = await Promise.all([
    import('../relay/config.js'),
    import('../relay/server.js'),
  ]);
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
