/**
 * `relaybench cleanup --fault-plane URL [--older-than 1h] [--dry-run]`: removes, on request, the
 * proxies crashed runs left on a fault plane (a run never cleans a remote plane by itself). Only
 * relaybench's own proxy names are candidates; see stale-proxies.ts for which count as leftovers.
 * First it stops the redis-servers this machine's runs started and recorded whose runner is gone
 * (stale-owned.ts: by recorded pid, after checking it is still that redis-server).
 */
import type { Argv } from 'yargs';
import { FaultPlaneClient } from '../chaos/client.js';
import { ConfigInvalidError, EXIT } from '../errors.js';
import { isLocalFaultPlane } from '../scenario/fixture/run-proxies.js';
import { cleanupOwnedProcesses, type OwnedSelection, type OwnedVerdict } from '../scenario/fixture/stale-owned.js';
import { cleanupFaultPlane } from '../scenario/fixture/stale-proxies.js';
import { parseDurationMs } from '../units.js';

const DEFAULT_OLDER_THAN = '1h';

/** The command's flags, for main.ts. */
export function cleanupOptions(
  y: Argv,
): Argv<{ 'fault-plane': string | undefined; 'older-than': string; 'dry-run': boolean }> {
  return y
    .option('fault-plane', {
      type: 'string',
      describe: "the fault plane's API URL (default: $TOXIPROXY_URL)",
    })
    .option('older-than', {
      type: 'string',
      default: DEFAULT_OLDER_THAN,
      describe: 'on a remote fault plane, remove proxies of runs that started at least this long ago (e.g. 30m, 6h)',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'list what would be removed, remove nothing' })
    .example(
      '$0 cleanup --fault-plane http://toxiproxy.staging.internal:8474',
      "remove crashed runs' proxies over 1 h old",
    )
    .example(
      '$0 cleanup --fault-plane http://127.0.0.1:8474 --dry-run',
      'list the proxies of runs whose process is gone',
    );
}

export interface CleanupCommandOptions {
  faultPlane?: string | undefined;
  olderThan?: string | undefined;
  dryRun?: boolean | undefined;
}

/** Runs the cleanup and prints one line per removed proxy and a count; returns the exit code. */
export async function cleanupCommand(options: CleanupCommandOptions): Promise<number> {
  const url = faultPlaneUrl(options.faultPlane ?? process.env.TOXIPROXY_URL);
  const olderThan = options.olderThan ?? DEFAULT_OLDER_THAN;
  const olderThanMs = parseDurationMs(olderThan);
  if (olderThanMs === undefined) {
    throw new ConfigInvalidError(
      `--older-than: expected a duration with a unit such as 30m, 1h or 24h, got ${JSON.stringify(olderThan)}`,
    );
  }
  const dryRun = options.dryRun ?? false;
  reportOwned(await cleanupOwnedProcesses({ dryRun }), dryRun);
  const local = isLocalFaultPlane(url);
  const client = new FaultPlaneClient(url);
  await client.checkReachable();
  const { stale, kept } = await cleanupFaultPlane(client, { olderThanMs, dryRun, local });
  const verb = dryRun ? 'would remove' : 'removed';
  for (const proxy of stale) process.stdout.write(`${verb} ${proxy.name} (${proxy.reason})\n`);
  if (dryRun) for (const proxy of kept) process.stdout.write(`would keep ${proxy.name} (${proxy.reason})\n`);
  const rule = local ? 'owner process gone' : `run started over ${olderThan} ago`;
  process.stdout.write(
    `${verb} ${stale.length} ${plural(stale.length)} from ${url} (${rule}); kept ${kept.length} relaybench ${plural(kept.length)}\n`,
  );
  return EXIT.ok;
}

/** One line per recorded redis-server stopped (or kept, or only forgotten), and a count when there were any. */
function reportOwned(selection: OwnedSelection, dryRun: boolean): void {
  const { stopped, kept, forgotten } = selection;
  const label = (v: OwnedVerdict): string => `redis-server pid ${v.owned.pid} (port ${v.owned.port}; ${v.reason})`;
  for (const v of stopped) process.stdout.write(`${dryRun ? 'would stop' : 'stopped'} ${label(v)}\n`);
  for (const v of forgotten) process.stdout.write(`${dryRun ? 'would forget' : 'forgot'} ${label(v)}\n`);
  if (dryRun) for (const v of kept) process.stdout.write(`would keep ${label(v)}\n`);
  if (stopped.length + kept.length + forgotten.length === 0) return;
  process.stdout.write(
    `${dryRun ? 'would stop' : 'stopped'} ${stopped.length} redis-server(s) whose run is gone; kept ${kept.length} of live runs\n`,
  );
}

function faultPlaneUrl(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ConfigInvalidError('--fault-plane: give the fault plane API URL (or set TOXIPROXY_URL)');
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigInvalidError(
      `--fault-plane: expected an http(s) URL such as http://127.0.0.1:8474, got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/$/, '');
}

function plural(count: number): string {
  return count === 1 ? 'proxy' : 'proxies';
}
