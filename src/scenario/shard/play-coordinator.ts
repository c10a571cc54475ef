/**
 * The coordinator shard: starts the fixture (fault plane, mocks, proxies, target) as a normal run
 * does, tells the other shards where the target is, sends its own share from --start-at while
 * the fault timeline plays on the same clock, then keeps everything up until every shard's
 * requests have met their deadline (start + duration + timeout, plus a grace for clock skew)
 * before it reads the mocks' logs and the relay's events and tears the fixture down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunInterruptedError } from '../../errors.js';
import { RunFixture } from '../fixture/fixture.js';
import { mockLogPositions, readFleetEvents, readServed } from '../run/attribution.js';
import type { RunEvent } from '../run/events.js';
import { runLoadPhase } from '../run/load-phase.js';
import type { Scenario } from '../schema/scenario.js';
import { shareOf, type ShardPlay, type ShardPlayOptions } from './shard-play.js';
import { writeTargetFile } from './target-file.js';

/** Extra wait after the last deadline, for shards whose clocks run a little behind this one's. */
export const END_GRACE_MS = 2000;

export async function playCoordinator(scenario: Scenario, options: ShardPlayOptions): Promise<ShardPlay> {
  const emit = options.onEvent ?? (() => {});
  const fixture = new RunFixture(scenario, { ...options, runDir: undefined, emit });
  let played: ShardPlay = { records: [], scheduled: 0, interrupted: false, readyLeadMs: 0, lateByMs: 0, missed: 0 };
  try {
    await using running = fixture;
    await running.start();
    played = await coordinate(running, options, emit);
  } catch (error) {
    if (!(error instanceof RunInterruptedError)) throw error;
    played = { ...played, interrupted: true };
  }
  const coordinator = played.coordinator ?? { served: [], relayEvents: undefined };
  return {
    ...played,
    coordinator: {
      ...coordinator,
      windows: fixture.windows(),
      faultPlane: fixture.faultPlane,
      targetUrl: fixture.targetUrl,
      processes: fixture.services.map((s) => ({ name: s.name, pid: s.pid })),
      cleanupErrors: fixture.cleanupErrors,
    },
  };
}

async function coordinate(
  fixture: RunFixture,
  options: ShardPlayOptions,
  emit: (e: RunEvent) => void,
): Promise<ShardPlay> {
  const { scenario } = fixture;
  const { shard } = options;
  const headers = fixture.targetHeaders;
  const load = headers === undefined ? scenario.load : { ...scenario.load, mix: { ...scenario.load.mix, headers } };
  if (load.warmup > 0) emit({ kind: 'phase', message: 'warmup skipped: shards start cold on --start-at' });
  fixture.timeline();
  // Taken before any shard can know the target: every recorded request is after it in the logs.
  const logFrom = await mockLogPositions(fixture);
  const file = await writeTargetFile(options.outDir, {
    ...fixture.targetReach,
    headers,
    startAtEpochMs: shard.startAtEpochMs,
    scenarioHash: options.scenarioHash,
  });
  const readyLeadMs = shard.startAtEpochMs - Date.now();
  emit({ kind: 'phase', message: `coordinator: target ${fixture.targetUrl} (address in ${file})` });
  const loaded = await runLoadPhase(fixture, load, { ...options, emit, share: shareOf(shard) });
  const lastDeadline = shard.startAtEpochMs + load.duration + load.timeout + END_GRACE_MS;
  if (!loaded.interrupted && Date.now() < lastDeadline) {
    emit({ kind: 'phase', message: "coordinator: keeping the target up until every shard's requests have ended" });
    await sleep(lastDeadline - Date.now(), undefined, { signal: options.signal }).catch(() => {});
  }
  const relayEvents = await readFleetEvents(fixture, shard.startAtEpochMs);
  const served = await readServed(fixture, logFrom);
  return {
    records: loaded.records,
    scheduled: loaded.scheduled,
    interrupted: loaded.interrupted || (options.signal?.aborted ?? false),
    readyLeadMs,
    lateByMs: loaded.lateByMs ?? 0,
    missed: loaded.missed ?? 0,
    scheduleLag: loaded.scheduleLag,
    itl: loaded.itl,
    coordinator: {
      relayEvents,
      served: [...served].map(([seq, s]) => [
        seq,
        { provider: s.provider, attempts: s.attempts, byProvider: s.byProvider },
      ]),
      windows: [],
      faultPlane: fixture.faultPlane,
      targetUrl: fixture.targetUrl,
      processes: [],
      cleanupErrors: [],
    },
  };
}
