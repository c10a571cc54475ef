/**
 * The three servers of the relay bench, each in its own process so /proc can charge CPU to each:
 * a zero-latency mock upstream, the bare pass-through proxy (the yardstick) and our relay, both
 * in front of that upstream. All listen on 127.0.0.1 only. Each child exits by itself when the
 * bench's IPC channel closes, so even a bench killed with SIGKILL leaves nothing behind.
 */
import { fileURLToPath } from 'node:url';
import { startService, type RunningService } from '../../../src/scenario/fixture/services.js';

/** What a segment sends its load to: the upstream itself (reference), the bare proxy or the relay. */
export type TargetName = 'direct' | 'bare' | 'relay';
export const TARGETS: readonly TargetName[] = Object.freeze(['direct', 'bare', 'relay']);

/** The process that serves a target's requests (the upstream serves `direct`). */
export const SERVER_OF: Readonly<Record<TargetName, ProcessName>> = Object.freeze({
  direct: 'upstream',
  bare: 'bare',
  relay: 'relay',
});

/** Processes whose CPU the bench reads; `generator` is the bench itself (the load client). */
export type ProcessName = 'upstream' | 'bare' | 'relay' | 'generator';

export interface BenchServers {
  readonly urls: Readonly<Record<TargetName, string>>;
  readonly pids: ReadonlyMap<ProcessName, number>;
  /** Stops every process this bench started (by its own child handle), relay and proxy first. */
  stop(): Promise<void>;
}

const BARE_PROXY = fileURLToPath(new URL('../bare-proxy.ts', import.meta.url));
/** Another checkout's `bin/relaybench.js`: measures that build of the relay (before/after a change). */
const RELAY_ENTRY = process.env.BENCH_RELAY_ENTRY || undefined;

export async function startBenchServers(): Promise<BenchServers> {
  const started: RunningService[] = [];
  const stop = async (): Promise<void> => {
    for (const service of [...started].reverse()) await service.stop();
  };
  try {
    const upstream = await startService('upstream', ['mock', '--name', 'upstream', '--latency-ms', '0']);
    started.push(upstream);
    const config = { targets: [{ name: 'upstream', baseUrl: `${upstream.url}/v1` }] };
    const proxies = await Promise.allSettled([
      startService('bare proxy', [upstream.url], { entry: BARE_PROXY }),
      startService(
        'relay',
        ['relay', '--config-json', JSON.stringify(config)],
        RELAY_ENTRY ? { entry: RELAY_ENTRY } : {},
      ),
    ]);
    for (const p of proxies) if (p.status === 'fulfilled') started.push(p.value);
    const [bare, relay] = proxies.map((p) => {
      if (p.status === 'rejected') throw p.reason;
      return p.value;
    }) as [RunningService, RunningService];
    const urls = { direct: upstream.url, bare: bare.url, relay: relay.url };
    for (const url of Object.values(urls)) {
      if (new URL(url).hostname !== '127.0.0.1') throw new Error(`bench server not on loopback: ${url}`);
    }
    return {
      urls,
      pids: new Map<ProcessName, number>([
        ['upstream', upstream.pid],
        ['bare', bare.pid],
        ['relay', relay.pid],
        ['generator', process.pid],
      ]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
