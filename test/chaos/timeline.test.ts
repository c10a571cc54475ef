import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../src/chaos/client.js';
import { MockControlClient, type MockFaultRequest } from '../../src/mock/control-client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import { FaultTimeline, type TimelineEvent, type TimelineFault } from '../../src/chaos/timeline.js';
import { FaultPlaneError } from '../../src/errors.js';
import { startMockProvider, type RunningMockProvider } from '../../src/mock/provider.js';
import { ManualClock, Waiter } from '../support/manual-clock.js';

let server: RunningToxiproxyServer;
let client: FaultPlaneClient;
let mock: RunningMockProvider;
const mocks = new MockControlClient({ timeoutMs: 2000 });

beforeEach(async () => {
  server = await startToxiproxyServer({ port: 0 });
  client = new FaultPlaneClient(server.url);
  await client.createProxy('p', '127.0.0.1:9'); // upstream never dialled: no traffic in this test
  mock = await startMockProvider({ name: 'm', latencyMs: 1 });
});
afterEach(async () => {
  await server.close();
  await mock.close();
});

function fault(type: string, atMs: number, forMs: number, attributes: Record<string, number> = {}): TimelineFault {
  return {
    provider: 'p',
    type,
    atMs,
    forMs,
    plane: 'proxy',
    proxy: 'p',
    request: { type, stream: 'downstream', toxicity: 1, attributes },
  };
}

function httpFault(request: MockFaultRequest, atMs: number, forMs: number): TimelineFault {
  return { provider: 'm', type: request.kind, atMs, forMs, plane: 'mock', mock: mock.url, request };
}

/** The faults active in the mock, as its control API lists them. */
async function mockFaults(): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${mock.url}/_mock/faults`);
  return ((await response.json()) as { faults: Array<Record<string, unknown>> }).faults;
}

/** A completion through the mock: its status tells whether an HTTP fault is in force. */
async function completionStatus(): Promise<number> {
  const response = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** A timeline on a manual clock, its events collected so a test can wait for the ones it needs. */
function playOnClock(clients: ConstructorParameters<typeof FaultTimeline>[0], faults: TimelineFault[]) {
  const clock = new ManualClock();
  const events = new Waiter<TimelineEvent>();
  const timeline = new FaultTimeline(clients, faults, events.push, clock);
  timeline.start(clock.now());
  const kinds = (kind: TimelineEvent['kind']) => (items: readonly TimelineEvent[]) =>
    items.filter((e) => e.kind === kind).length;
  return {
    clock,
    events,
    timeline,
    /** Resolves once `n` faults have been confirmed applied (and `removed` removed). */
    confirmed: (n: number, removed = 0) =>
      events.until((items) => kinds('applied')(items) >= n && kinds('removed')(items) >= removed),
  };
}

describe('FaultTimeline', () => {
  it('applies and removes faults on schedule and records when the fault plane confirmed each', async () => {
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client }, [
      fault('latency', 100, 200, { latency: 50 }),
      fault('down', 150, 100),
    ]);
    clock.advance(99);
    expect(timeline.active()).toEqual([]); // nothing before its time
    clock.advance(101);
    await confirmed(2);
    const during = await client.listProxies();
    expect(during[0]).toMatchObject({ enabled: false, toxics: 1 });
    expect(
      timeline
        .active()
        .map((f) => f.type)
        .sort(),
    ).toEqual(['down', 'latency']);
    clock.advance(250);
    await confirmed(2, 2);
    expect((await client.listProxies())[0]).toMatchObject({ enabled: true, toxics: 0 });
    const [latency, down] = timeline.windows();
    expect(latency!.appliedMs).toBeGreaterThanOrEqual(100);
    expect(latency!.removedMs).toBeGreaterThanOrEqual(300);
    expect(down!.appliedMs).toBeGreaterThanOrEqual(150);
    expect(down!.removedMs! - down!.appliedMs!).toBeGreaterThanOrEqual(100);
    await timeline.rollback();
  });

  it('rollback removes what is applied and cancels what is pending', async () => {
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client }, [
      fault('reset_peer', 0, 60_000, { timeout: 0 }),
      fault('down', 60_000, 1000),
    ]);
    clock.advance(0);
    await confirmed(1);
    expect((await client.listProxies())[0]!.toxics).toBe(1);
    await timeline.rollback();
    expect((await client.listProxies())[0]).toMatchObject({ enabled: true, toxics: 0 });
    expect(timeline.windows()[0]!.removedMs).toBeDefined();
    expect(timeline.windows()[1]!.appliedMs).toBeUndefined();
    expect(clock.pending).toBe(0); // the pending steps were cancelled
    await timeline.rollback(); // twice is harmless
  });

  it('holds a window that reaches past the load until loadDrained, then closes it at the real removal', async () => {
    const held = (atMs: number): TimelineFault => ({
      ...fault('latency', atMs, 100, { latency: 5 }),
      untilDrained: true,
    });
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client }, [held(0), held(5000)]);
    clock.advance(0);
    await confirmed(1);
    clock.advance(400); // long past its scheduled end (100 ms): no removal was scheduled
    expect(clock.pending).toBe(1); // only the second window's onset
    expect((await client.listProxies())[0]!.toxics).toBe(1);
    await timeline.loadDrained();
    expect((await client.listProxies())[0]!.toxics).toBe(0);
    expect(timeline.windows()[0]!.removedMs).toBe(400);
    clock.advance(5000); // the load has drained: a held window that had not begun never applies
    await timeline.rollback();
    expect(timeline.windows()[1]!.appliedMs).toBeUndefined();
    expect((await client.listProxies())[0]!.toxics).toBe(0);
  });

  it('lets the mock keep a held HTTP fault through the drain: its expiry allows for the load timeout', async () => {
    const request: MockFaultRequest = { kind: 'http_status', status: 503, rate: 1 };
    const held: TimelineFault = {
      ...httpFault(request, 0, 100),
      plane: 'mock',
      mock: mock.url,
      request,
      untilDrained: true,
      drainMs: 60_000,
    };
    const { clock, timeline, confirmed } = playOnClock({ mocks }, [held]);
    clock.advance(0);
    await confirmed(1);
    // 100 ms window + 60 s drain + the 5 s safety slack.
    expect(await mockFaults()).toMatchObject([{ kind: 'http_status', for: 65_100 }]);
    await timeline.loadDrained();
    expect(await mockFaults()).toEqual([]);
  });

  it('rolls back a held window on an interrupt, before the load drained', async () => {
    const held: TimelineFault = { ...fault('latency', 0, 100, { latency: 5 }), untilDrained: true };
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client }, [held]);
    clock.advance(0);
    await confirmed(1);
    await timeline.rollback(); // what the run fixture does on Ctrl-C, without loadDrained()
    expect((await client.listProxies())[0]!.toxics).toBe(0);
    expect(timeline.windows()[0]!.removedMs).toBeDefined();
  });

  it('rolls back a fault whose proxy is already gone without failing', async () => {
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client }, [
      fault('latency', 0, 60_000, { latency: 10 }),
    ]);
    clock.advance(0);
    await confirmed(1);
    await client.deleteProxy('p');
    await expect(timeline.rollback()).resolves.toBeUndefined();
  });

  it('plays back-to-back windows on one target in order: the next step is applied only after the previous is removed', async () => {
    // A ramp: three latency steps, each starting the instant the previous one ends.
    const steps = [
      fault('latency', 50, 100, { latency: 10 }),
      fault('latency', 150, 100, { latency: 20 }),
      fault('latency', 250, 100, { latency: 30 }),
    ];
    const latencyOf = (f: TimelineFault): number | undefined =>
      f.plane === 'proxy' ? f.request.attributes.latency : undefined;
    const { clock, events, timeline } = playOnClock({ faultPlane: client }, steps);
    // Poll the fault plane back to back while the steps play; done when all six are confirmed.
    const seen = new Set<number>();
    let done = false;
    const polling = (async () => {
      while (!done) seen.add((await client.listProxies())[0]!.toxics);
    })();
    // Each instant's steps, then the events they must have produced before time moves on.
    for (const [atMs, total] of [
      [50, 1],
      [150, 3],
      [250, 5],
      [350, 6],
    ] as const) {
      clock.advance(atMs - clock.now());
      await events.count(total);
    }
    done = true;
    await polling;
    expect(events.items.map((e) => (e.kind === 'error' ? e.error.message : `${e.kind} ${latencyOf(e.fault)}`))).toEqual(
      ['applied 10', 'removed 10', 'applied 20', 'removed 20', 'applied 30', 'removed 30'],
    );
    expect(Math.max(...seen)).toBe(1); // never two latency toxics at once
    const windows = timeline.windows();
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]!.appliedMs).toBeGreaterThanOrEqual(windows[i - 1]!.removedMs!);
    await timeline.rollback();
  });
});

describe('FaultTimeline with HTTP faults (mock control API)', () => {
  it('applies an HTTP fault in the mock for its window, then removes it, recording both times', async () => {
    expect(await completionStatus()).toBe(200);
    const { clock, events, timeline, confirmed } = playOnClock({ mocks }, [
      httpFault({ kind: 'http_status', status: 503, rate: 1 }, 100, 300),
    ]);
    clock.advance(99);
    expect(await mockFaults()).toEqual([]); // not before its time
    clock.advance(151);
    await confirmed(1);
    expect(await mockFaults()).toMatchObject([{ kind: 'http_status', status: 503, rate: 1 }]);
    expect(await completionStatus()).toBe(503);
    expect(timeline.active().map((f) => f.type)).toEqual(['http_status']);
    clock.advance(350);
    await confirmed(1, 1);
    expect(await mockFaults()).toEqual([]);
    expect(await completionStatus()).toBe(200);
    expect(events.items.map((e) => e.kind)).toEqual(['applied', 'removed']);
    const [window] = timeline.windows();
    expect(window).toMatchObject({ provider: 'm', type: 'http_status', atMs: 100, forMs: 300 });
    expect(window!.appliedMs).toBeGreaterThanOrEqual(100);
    expect(window!.removedMs! - window!.appliedMs!).toBeGreaterThanOrEqual(250);
    await timeline.rollback();
  });

  it('rollback removes HTTP and proxy faults alike, and cancels what is pending', async () => {
    const { clock, timeline, confirmed } = playOnClock({ faultPlane: client, mocks }, [
      httpFault({ kind: 'stall', ms: 5000, rate: 0.5 }, 0, 60_000),
      fault('latency', 0, 60_000, { latency: 10 }),
      httpFault({ kind: 'cut', afterChunks: 1, rate: 1 }, 60_000, 1000),
    ]);
    clock.advance(0);
    await confirmed(2);
    expect((await mockFaults()).map((f) => f.kind)).toEqual(['stall']);
    expect((await client.listProxies())[0]!.toxics).toBe(1);
    await timeline.rollback();
    expect(await mockFaults()).toEqual([]);
    expect((await client.listProxies())[0]!.toxics).toBe(0);
    const [stall, latency, cut] = timeline.windows();
    expect(stall!.removedMs).toBeDefined();
    expect(latency!.removedMs).toBeDefined();
    expect(cut!.appliedMs).toBeUndefined();
  });

  it('gives the mock a safety expiry, so a fault the harness never removes still ends', async () => {
    const appliedAt = performance.now();
    await mocks.apply(mock.url, { kind: 'http_status', status: 500, rate: 1 }, 100);
    expect(await mockFaults()).toHaveLength(1);
    // The mock's own clock ends it: poll until it is gone, then check it lasted its 100 ms.
    while ((await mockFaults()).length > 0) expect(performance.now() - appliedAt).toBeLessThan(5000);
    expect(performance.now() - appliedAt).toBeGreaterThanOrEqual(95);
  });

  it('reports a mock that refuses a fault as an error event, and treats an already-expired fault as removed', async () => {
    const bad = httpFault({ kind: 'http_status', status: 200, rate: 1 } as MockFaultRequest, 0, 1000);
    const { clock, events: waiter, timeline } = playOnClock({ mocks }, [bad]);
    clock.advance(0);
    await waiter.count(1);
    const events = waiter.items;
    expect(events[0]).toMatchObject({ kind: 'error' });
    expect((events[0] as { error: Error }).error).toBeInstanceOf(FaultPlaneError);
    expect((events[0] as { error: Error }).error.message).toMatch(/HTTP 400: field 'status'/);
    await timeline.rollback();

    const id = await mocks.apply(mock.url, { kind: 'malformed', afterChunks: 1, rate: 1 });
    expect(await mocks.clear(mock.url)).toBe(1);
    await expect(mocks.remove(mock.url, id)).resolves.toBeUndefined();
  });

  it('refuses a fault it has no client for', () => {
    expect(
      () => new FaultTimeline({ faultPlane: client }, [httpFault({ kind: 'wrong_content_type', rate: 1 }, 0, 10)]),
    ).toThrow(/needs a mock client/);
  });
});

describe('FaultPlaneClient against a server that never answers', () => {
  it('gives up after a bounded time instead of hanging the rollback', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const hung = new FaultPlaneClient(`http://127.0.0.1:${port}`);
    const started = performance.now();
    await expect(hung.listProxies()).rejects.toThrow(/no answer within/);
    expect(performance.now() - started).toBeLessThan(15_000);
    silent.close();
  }, 20_000);
});
