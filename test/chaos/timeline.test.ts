import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../src/chaos/client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import { FaultTimeline, type TimelineFault } from '../../src/chaos/timeline.js';

let server: RunningToxiproxyServer;
let client: FaultPlaneClient;

beforeEach(async () => {
  server = await startToxiproxyServer({ port: 0 });
  client = new FaultPlaneClient(server.url);
  await client.createProxy('p', '127.0.0.1:9'); // upstream never dialled: no traffic in this test
});
afterEach(() => server.close());

function fault(type: string, atMs: number, forMs: number, attributes: Record<string, number> = {}): TimelineFault {
  return { provider: 'p', proxy: 'p', type, stream: 'downstream', toxicity: 1, attributes, atMs, forMs };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FaultTimeline', () => {
  it('applies and removes faults on schedule and records when the fault plane confirmed each', async () => {
    const timeline = new FaultTimeline(client, [fault('latency', 100, 200, { latency: 50 }), fault('down', 150, 100)]);
    timeline.start(performance.now());
    await sleep(200);
    const during = await client.listProxies();
    expect(during[0]).toMatchObject({ enabled: false, toxics: 1 });
    expect(timeline.active().map((f) => f.type).sort()).toEqual(['down', 'latency']);
    await sleep(250);
    expect((await client.listProxies())[0]).toMatchObject({ enabled: true, toxics: 0 });
    const [latency, down] = timeline.windows();
    expect(latency!.appliedMs).toBeGreaterThanOrEqual(95);
    expect(latency!.removedMs).toBeGreaterThanOrEqual(295);
    expect(down!.appliedMs).toBeGreaterThanOrEqual(145);
    expect(down!.removedMs! - down!.appliedMs!).toBeGreaterThanOrEqual(80);
    await timeline.rollback();
  });

  it('rollback removes what is applied and cancels what is pending', async () => {
    const timeline = new FaultTimeline(client, [fault('reset_peer', 0, 60_000, { timeout: 0 }), fault('down', 60_000, 1000)]);
    timeline.start(performance.now());
    await sleep(100);
    expect((await client.listProxies())[0]!.toxics).toBe(1);
    await timeline.rollback();
    expect((await client.listProxies())[0]).toMatchObject({ enabled: true, toxics: 0 });
    expect(timeline.windows()[0]!.removedMs).toBeDefined();
    expect(timeline.windows()[1]!.appliedMs).toBeUndefined();
    await timeline.rollback(); // twice is harmless
  });

  it('rolls back a fault whose proxy is already gone without failing', async () => {
    const timeline = new FaultTimeline(client, [fault('latency', 0, 60_000, { latency: 10 })]);
    timeline.start(performance.now());
    await sleep(100);
    await client.deleteProxy('p');
    await expect(timeline.rollback()).resolves.toBeUndefined();
  });
});
