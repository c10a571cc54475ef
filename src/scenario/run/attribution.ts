/**
 * After the load: which provider served each request, from the mocks' logs where the target did
 * not say (any relay, not only ours), and the relay's own breaker and cooldown events on load time.
 */
import type { RequestRecord } from '../../metrics/record.js';
import { relayClockOffset, relayEventsOnLoadTime, type RelayTimelineEvent } from '../../metrics/relay-events.js';
import { attributeRecords, mockLogPosition, readMockLog, servedBySeq, type MockLogs, type Served } from './mock-log.js';
import type { RunFixture } from '../fixture/fixture.js';

/** Each mock's log position: entries after it belong to the recorded load (warmup ids repeat rb-0, rb-1...). */
export async function mockLogPositions(fixture: RunFixture): Promise<Map<string, number>> {
  const positions = await Promise.all(
    [...fixture.mockUrl].map(
      async ([provider, url]) => [provider, await mockLogPosition(url, caFileOf(fixture, provider))] as const,
    ),
  );
  return new Map(positions);
}

/** `records` with the serving provider filled in from the mocks' logs, how many got one that way, and the logs read. */
export async function attributeFromMockLogs(
  fixture: RunFixture,
  records: readonly RequestRecord[],
  logFrom: ReadonlyMap<string, number>,
): Promise<{ records: RequestRecord[]; attributedFromLogs: number; logs: MockLogs }> {
  const logs = await readMockLogs(fixture, logFrom);
  const attributed = attributeRecords(records, servedBySeq(logs));
  const known = (list: readonly RequestRecord[]): number => list.filter((r) => r.provider !== undefined).length;
  return { records: attributed, attributedFromLogs: known(attributed) - known(records), logs };
}

/** Who served each harness sequence number, from every mock's log since `logFrom` (a shard coordinator keeps it for the merge). */
export async function readServed(
  fixture: RunFixture,
  logFrom: ReadonlyMap<string, number>,
): Promise<Map<number, Served>> {
  return servedBySeq(await readMockLogs(fixture, logFrom));
}

/** Every mock's log since `logFrom`, by provider. */
async function readMockLogs(fixture: RunFixture, logFrom: ReadonlyMap<string, number>): Promise<MockLogs> {
  return new Map(
    await Promise.all(
      [...fixture.mockUrl].map(
        async ([provider, url]) =>
          [provider, await readMockLog(url, logFrom.get(provider) ?? 0, caFileOf(fixture, provider))] as const,
      ),
    ),
  );
}

/**
 * A direct target calls one provider and nothing else, so what it answered came from that
 * provider: known by construction, not guessed (a real API has no log to read).
 */
export function attributeDirect(records: readonly RequestRecord[], provider: string): RequestRecord[] {
  return records.map((r) => (r.outcome === 'ok' && r.provider === undefined ? { ...r, provider } : r));
}

function caFileOf(fixture: RunFixture, provider: string): string | undefined {
  return fixture.scenario.providers.find((p) => p.name === provider)?.ca_file;
}

/**
 * The relay events of every replica of a fleet, each tagged with its replica's index, oldest
 * first; one relay's as they are. A replica that is down (killed for good) has none to give.
 */
export async function readFleetEvents(
  fixture: RunFixture,
  loadStartEpochMs: number,
): Promise<RelayTimelineEvent[] | undefined> {
  const urls = fixture.replicaUrls;
  if (urls.length <= 1) return readRelayEvents(fixture.targetUrl, loadStartEpochMs);
  const perReplica = await Promise.all(urls.map((url) => readRelayEvents(url, loadStartEpochMs)));
  if (perReplica.every((events) => events === undefined)) return undefined;
  const tagged = perReplica.flatMap((events, replica) => (events ?? []).map((event) => ({ ...event, replica })));
  return tagged.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Breaker transitions and cooldowns from the target's `GET /relay/events` (our relay has it; for
 * another gateway the call just finds nothing), mapped onto load time.
 */
export async function readRelayEvents(
  targetUrl: string,
  loadStartEpochMs: number,
): Promise<RelayTimelineEvent[] | undefined> {
  try {
    const response = await fetch(`${targetUrl}/relay/events`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { time_origin?: unknown; data?: unknown };
    if (typeof body.time_origin !== 'number' || !Array.isArray(body.data)) return undefined;
    return relayEventsOnLoadTime(body.data, relayClockOffset(body.time_origin, loadStartEpochMs));
  } catch {
    return undefined;
  }
}
