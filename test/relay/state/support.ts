/**
 * Helpers of the shared-state tests: a config for a fleet of real relays sharing one real
 * redis-server (each test under its own key prefix, so tests never see each other's keys), and a
 * reader of one Prometheus sample from a relay's `/metrics`.
 */
import type { TestRelay } from '../e2e/support.js';

let fleets = 0;

/**
 * `state.redis` for a new fleet on `url`: a prefix no other test uses. The default command timeout
 * is generous, so only the trouble a test makes on purpose (not a loaded machine) degrades a link.
 */
export function fleetState(
  url: string,
  commandTimeoutMs = 2_000,
): { redis: { url: string; keyPrefix: string; commandTimeoutMs: number } } {
  fleets += 1;
  return { redis: { url, keyPrefix: `t${process.pid}-${fleets}-${Date.now()}:`, commandTimeoutMs } };
}

/** The value of the sample whose line starts with `series` (name and labels as exposed), 0 if absent. */
export async function sample(relay: TestRelay, series: string): Promise<number> {
  const text = (await relay.get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Polls `probe` every 5 ms until it is true; the elapsed ms, or throws after `timeoutMs`. */
export async function within(timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

/**
 * A relay config whose alias `m` chains a dead target before a backup (both OpenAI-compatible at
 * the given origins), with `policies` and a new fleet's `state` on `redisUrl`.
 */
export function deadThenBackup(
  dead: string,
  backup: string,
  policies: object,
  redisUrl: string,
): { policies: object; state: ReturnType<typeof fleetState> } & Record<string, unknown> {
  return {
    providers: [
      { name: 'dead', dialect: 'openai', baseUrl: `${dead}/v1` },
      { name: 'backup', dialect: 'openai', baseUrl: `${backup}/v1` },
    ],
    models: {
      m: {
        chain: [
          { provider: 'dead', model: 'x' },
          { provider: 'backup', model: 'y' },
        ],
      },
    },
    policies,
    state: fleetState(redisUrl),
  };
}
