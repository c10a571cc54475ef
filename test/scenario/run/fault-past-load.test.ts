/**
 * A fault window that reaches past the end of the load stays in place until the requests in
 * flight have drained: the load's last responses cross it, and its window closes when it is
 * really removed. A real mock, the fault plane in-process (the embedded one's code) and the runner.
 * (The interrupt path, rollback() of a held window, is covered in test/chaos/timeline.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultPlaneClient, type ProxyInfo } from '../../../src/chaos/client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../../src/chaos/server.js';
import { latencyMicros } from '../../../src/metrics/record.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const TOXIC_MS = 300;

const drill = parseScenario(
  `providers: [{ name: slow, latency: 5ms }]
target: { kind: direct }
load: { rate: 10/s, duration: 1s, timeout: 3s }
faults:
  - { provider: slow, type: latency, latency: ${TOXIC_MS}ms, at: 400ms, for: until_end }
`,
  'past-load.yaml',
);

let plane: RunningToxiproxyServer;
let client: FaultPlaneClient;
beforeAll(async () => {
  plane = await startToxiproxyServer({ port: 0 });
  client = new FaultPlaneClient(plane.url);
});
afterAll(() => plane.close());

describe('a fault window past the end of the load', () => {
  // A `for` beyond the load is planned as the same held window (faults.test.ts): one run covers both.
  it('until_end: the last requests in flight cross the toxic; it comes off once they drained', async () => {
    const events: string[] = [];
    // The run's proxies as they stood when attribution began: after the load phase, before the cleanup.
    let afterLoad: Promise<ProxyInfo[]> | undefined;
    const outcome = await playScenario(drill, {
      faultPlaneUrl: plane.url,
      onEvent: (event) => {
        if (event.kind === 'fault') events.push(`${event.event.kind} ${event.event.fault.type}`);
        if (event.kind === 'phase' && event.message.startsWith('attributing')) afterLoad = client.listProxies();
      },
    });
    expect(events).toEqual(['applied latency', 'removed latency']);
    expect(outcome.records).toHaveLength(10);
    expect(outcome.records.every((r) => r.outcome === 'ok')).toBe(true);
    const window = outcome.windows[0]!;
    // The last request (intended at 900 ms) answers after ~1.2 s: the window closes after it, not at the load's end (1 s).
    const lastEnd = Math.max(...outcome.records.map((r) => r.endMs));
    expect(window.removedMs).toBeGreaterThanOrEqual(lastEnd);
    expect(window.removedMs).toBeGreaterThan(1000 + TOXIC_MS / 2);
    const crossing = outcome.records.filter((r) => r.intendedMs >= window.appliedMs! + 50);
    expect(crossing.length).toBeGreaterThanOrEqual(3);
    for (const record of crossing)
      expect(latencyMicros(record) / 1000, `seq ${record.seq}`).toBeGreaterThan(TOXIC_MS - 10);
    // Removed by the load phase itself: before the runner's cleanup, the proxy is there without a toxic.
    const ours = (await afterLoad!).filter((p) => p.name.startsWith(`relaybench_${process.pid}_`));
    expect(ours.map((p) => p.toxics)).toEqual([0]);
    expect(await client.listProxies()).toEqual([]);
  });
});
