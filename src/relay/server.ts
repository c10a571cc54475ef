/**
 * Starting the relay: the front door's listener (`front-door/router.ts`) over the full pipeline
 * (`relay-app.ts`) or injected parts, bound to the configured address.
 */
import { createServer } from 'node:http';
import type { AdminKeyConfig, ClientKeyConfig, RelayConfig } from './config.js';
import { createAuthenticator } from './front-door/auth.js';
import { Bulkhead } from './front-door/bulkhead.js';
import { listen } from './front-door/listen.js';
import { readTimeoutOptions } from './front-door/read-timeouts.js';
import { createRelayMetrics, type RelayMetrics } from './front-door/metrics.js';
import { createFrontDoor, type FrontDoorOptions, type ModelEntry } from './front-door/router.js';
import { createRelayApp } from './relay-app.js';

export type { Readiness } from './contract.js';
export { createFrontDoor, type FrontDoorHandler, type FrontDoorOptions, type ModelEntry } from './front-door/router.js';

export interface RunningRelay {
  /** `http://host:port`; clients use `${url}/v1` as their OpenAI base URL. */
  readonly url: string;
  /** The relay's own metrics registry. */
  readonly metrics: RelayMetrics;
  /** Stops listening, destroys client and upstream connections. Idempotent. */
  close(): Promise<void>;
}

/** What the full pipeline plugs into the front door; anything left out gets the skeleton's default. */
export interface RelayWiring extends Partial<Omit<FrontDoorOptions, 'models' | 'bulkhead'>> {
  /** Released after the server closed (upstream pools, health-check timers). */
  readonly onClose?: () => Promise<void>;
}

/**
 * Starts the relay. `config` must come from `parseRelayConfig`/`loadRelayConfig`; it is not
 * validated again. Without `wiring.handleCompletion` the full pipeline (`createRelayApp`) serves.
 */
export async function startRelay(config: RelayConfig, wiring: RelayWiring = {}): Promise<RunningRelay> {
  const app = wiring.handleCompletion === undefined ? createRelayApp(config) : undefined;
  const metrics = wiring.metrics ?? app?.metrics ?? createRelayMetrics();
  const handleCompletion = wiring.handleCompletion ?? app!.handleCompletion;
  const listener = createFrontDoor({
    handleCompletion,
    models: modelEntries(config),
    readiness: wiring.readiness ?? app?.readiness,
    events: wiring.events ?? app?.events,
    metrics,
    admin: createAuthenticator(config.auth.adminKeys.map(adminKeyAsClientKey)),
    bulkhead: new Bulkhead({
      limit: config.server.maxInFlight,
      retryAfterS: config.server.overloadRetryAfterS,
      maxUnread: config.server.maxUnreadBodies,
    }),
  });
  const server = createServer(readTimeoutOptions(config.server), listener);
  // Longer than any client's idle timeout, so the client, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;
  const onClose = async (): Promise<void> => {
    await app?.onClose();
    await wiring.onClose?.();
  };
  try {
    await app?.start();
    const running = await listen(server, config.server.host, config.server.port, onClose);
    return { url: running.url, metrics, close: running.close };
  } catch (error) {
    await onClose();
    throw error;
  }
}

/** An admin key in the authenticator's shape: no budget, no rate (only its hash is ever used). */
function adminKeyAsClientKey(key: AdminKeyConfig): ClientKeyConfig {
  return {
    id: key.id,
    sha256: key.sha256,
    budgetUsd: undefined,
    budgetPeriod: 'total',
    onBudgetExhausted: 'reject',
    downgradeTo: undefined,
    requestsPerMinute: undefined,
  };
}

/** The aliases; for a legacy config, the catch-all chain's configured models (first entry wins). */
export function modelEntries(config: RelayConfig): ModelEntry[] {
  const aliases = Object.keys(config.models).map((id) => ({ id, ownedBy: 'relaybench' }));
  const seen = new Set(aliases.map((alias) => alias.id));
  for (const entry of config.catchAll ?? []) {
    if (entry.model === undefined || seen.has(entry.model)) continue;
    seen.add(entry.model);
    aliases.push({ id: entry.model, ownedBy: entry.name });
  }
  return aliases;
}
