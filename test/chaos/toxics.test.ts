/**
 * What toxics do to proxied connections, seen from real sockets. A conformance suite: by default it
 * runs against our embedded server; against a real Toxiproxy (2.12) on this machine:
 *
 *   toxiproxy-server -host 127.0.0.1 -port 8474 &
 *   TOXIPROXY_URL=http://127.0.0.1:8474 npm run test:conformance
 *
 * Embedded-only tests (`embeddedOnly`, `describeEmbeddedOnly`) check what only our server does:
 * seeded toxicity draws, attribute validation, and half-closes passed through (Toxiproxy closes
 * both directions once either side ends). Every other effect here is Toxiproxy's, and ours must
 * match it. Proxies get a per-process name prefix (`own`), and only those are deleted afterwards.
 */
import { request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningToxiproxyServer } from '../../src/chaos/server.js';
import {
  api,
  describeEmbeddedOnly,
  embeddedOnly,
  own,
  portOf,
  Probe,
  Resources,
  roundTrip,
  sleep,
  startFaultPlane,
  startTcpServer,
  type TcpServer,
} from './helpers.js';

// Timing assertions: at least 0.8x the configured delay, and a loose ceiling (noisy 2-core CI box).
const SLACK_MS = 1500;

const resources = new Resources();
let server: RunningToxiproxyServer;
let echo: TcpServer;

beforeEach(async () => {
  server = await startFaultPlane(resources);
  echo = await startTcpServer(resources);
});

afterEach(() => resources.closeAll());

const ECHO = own('echo');

async function createProxy(name = 'echo', upstreamPort = echo.port): Promise<number> {
  const response = await api(server.url, 'POST', '/proxies', {
    name: own(name),
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${upstreamPort}`,
  });
  expect(response.status).toBe(201);
  return portOf((response.json as { listen: string }).listen);
}

async function addToxic(body: Record<string, unknown>, proxy = 'echo'): Promise<void> {
  const response = await api(server.url, 'POST', `/proxies/${own(proxy)}/toxics`, body);
  expect(response.status, response.text).toBe(200);
}

async function removeToxic(name: string, proxy = 'echo'): Promise<void> {
  expect((await api(server.url, 'DELETE', `/proxies/${own(proxy)}/toxics/${name}`)).status).toBe(204);
}

describe('latency', () => {
  it('adds the configured latency to a round trip, and removing it restores normal traffic', async () => {
    const port = await createProxy();
    const probe = await Probe.connect(resources, port);
    await roundTrip(probe, 'warm-up;');
    await addToxic({ type: 'latency', attributes: { latency: 300 } });
    const slowed = await roundTrip(await Probe.connect(resources, port), 'slow;');
    expect(slowed).toBeGreaterThanOrEqual(240);
    expect(slowed).toBeLessThan(300 + SLACK_MS);

    await removeToxic('latency_downstream');
    const restored = await roundTrip(await Probe.connect(resources, port), 'fast;');
    expect(restored).toBeLessThan(150);
  });

  it('applies to connections that were open before the toxic was added', async () => {
    const port = await createProxy();
    const probe = await Probe.connect(resources, port);
    expect(await roundTrip(probe, 'before;')).toBeLessThan(150);
    await addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 300 } });
    expect(await roundTrip(probe, 'after;')).toBeGreaterThanOrEqual(240);
  });

  it('delays each chunk from its own arrival, not cumulatively, and keeps order', async () => {
    const port = await createProxy();
    await addToxic({ type: 'latency', attributes: { latency: 300 } });
    const probe = await Probe.connect(resources, port);
    const start = performance.now();
    const sent: number[] = [];
    for (const marker of ['a;', 'b;', 'c;']) {
      sent.push(performance.now());
      probe.socket.write(marker);
      await sleep(100);
    }
    const arrivedC = await probe.waitForText('c;');
    expect(probe.text()).toBe('a;b;c;');
    // c left ~200 ms after a: it arrives ~500 ms after start. Cumulative delays would make it >= 900.
    expect(arrivedC - (sent[2] as number)).toBeGreaterThanOrEqual(240);
    expect(arrivedC - start).toBeLessThan(850);
  });

  it('with jitter, delays vary within latency ± jitter and bytes keep their order', async () => {
    const port = await createProxy();
    await addToxic({ type: 'latency', attributes: { latency: 200, jitter: 100 } });
    const probe = await Probe.connect(resources, port);
    const messages = Array.from({ length: 20 }, (_, i) => `m${i};`);
    for (const message of messages) {
      probe.socket.write(message);
      await sleep(15);
    }
    await probe.waitForText(messages.at(-1) as string);
    expect(probe.text()).toBe(messages.join(''));
    const rtt = await roundTrip(probe, 'last;');
    expect(rtt).toBeGreaterThanOrEqual(80);
    expect(rtt).toBeLessThan(300 + SLACK_MS);
  });

  it('releases held data at once when the toxic is removed (interruptible, nothing dropped)', async () => {
    const port = await createProxy();
    await addToxic({ type: 'latency', attributes: { latency: 5000 } });
    const probe = await Probe.connect(resources, port);
    const start = performance.now();
    probe.socket.write('held;');
    await sleep(200);
    expect(probe.text()).toBe('');
    await removeToxic('latency_downstream');
    const arrived = await probe.waitForText('held;', 2000);
    expect(arrived - start).toBeLessThan(2000);
  });

  it('toxicity 0 leaves connections alone; toxicity 0.5 affects some connections and not others', async () => {
    const port = await createProxy();
    await addToxic({ type: 'latency', toxicity: 0, attributes: { latency: 1000 } });
    expect(await roundTrip(await Probe.connect(resources, port), 'spared;')).toBeLessThan(500);

    await api(server.url, 'PATCH', `/proxies/${ECHO}/toxics/latency_downstream`, {
      toxicity: 0.5,
      attributes: { latency: 400 },
    });
    const rtts = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => roundTrip(await Probe.connect(resources, port), `c${i};`)),
    );
    const slowed = rtts.filter((rtt) => rtt >= 320).length;
    expect(slowed).toBeGreaterThan(0);
    expect(slowed).toBeLessThan(16);
  });
});

describeEmbeddedOnly('toxicity draws', () => {
  async function pattern(seed: number): Promise<boolean[]> {
    const own = await startFaultPlane(resources, seed);
    const created = await api(own.url, 'POST', '/proxies', {
      name: 'p',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const port = portOf((created.json as { listen: string }).listen);
    await api(own.url, 'POST', '/proxies/p/toxics', { type: 'latency', toxicity: 0.5, attributes: { latency: 400 } });
    const probes: Probe[] = [];
    for (let i = 0; i < 12; i++) probes.push(await Probe.connect(resources, port)); // accept order = draw order
    const rtts = await Promise.all(probes.map((probe, i) => roundTrip(probe, `p${i};`)));
    return rtts.map((rtt) => rtt >= 320);
  }

  it('are reproducible from the server seed', async () => {
    const first = await pattern(42);
    expect(await pattern(42)).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });
});

describe('reset_peer', () => {
  /** An echo server that records the errors its sockets see (an RST from the proxy shows as ECONNRESET). */
  async function echoRecordingErrors(): Promise<{ port: number; errors: NodeJS.ErrnoException[] }> {
    const errors: NodeJS.ErrnoException[] = [];
    const server = await startTcpServer(resources, (socket) => {
      socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error));
      socket.pipe(socket);
    });
    return { port: server.port, errors };
  }

  async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition() && performance.now() < deadline) await sleep(10);
  }

  it('with timeout 0 resets new connections at their first data: the client sees ECONNRESET and no data', async () => {
    const upstream = await echoRecordingErrors();
    const port = await createProxy('reset', upstream.port);
    await addToxic({ type: 'reset_peer', attributes: { timeout: 0 } }, 'reset');
    // The RST can beat the client's own connect callback, so watch the raw socket from the start.
    const socket = resources.add(connect({ host: '127.0.0.1', port }), (s) => s.destroy());
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    socket.write('anyone there?');
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      socket.once('error', resolve);
      socket.once('close', () => reject(new Error('closed without an error')));
    });
    expect(error.code).toBe('ECONNRESET');
    expect(Buffer.concat(received).toString()).toBe('');
    await until(() => upstream.errors.length > 0);
    expect(upstream.errors.map((e) => e.code)).toContain('ECONNRESET');
  });

  it('leaves an idle connection alone, then swallows the first data and resets both sides timeout ms later', async () => {
    const upstream = await echoRecordingErrors();
    const port = await createProxy('reset', upstream.port);
    await addToxic({ type: 'reset_peer', attributes: { timeout: 300 } }, 'reset');
    const probe = await Probe.connect(resources, port);
    await sleep(500);
    expect(probe.closedAt).toBeUndefined();
    const start = performance.now();
    probe.socket.write('swallowed;');
    const closedAt = await probe.waitForClose(300 + SLACK_MS);
    expect(closedAt - start).toBeGreaterThanOrEqual(240);
    expect(probe.text()).toBe('');
    expect(probe.error?.code).toBe('ECONNRESET');
    await until(() => upstream.errors.length > 0);
    expect(upstream.errors.map((e) => e.code)).toContain('ECONNRESET');
  });

  it('added to a live connection, swallows data from then on and closes it (FIN) timeout ms after', async () => {
    const port = await createProxy();
    const probe = await Probe.connect(resources, port);
    await roundTrip(probe, 'before;');
    await addToxic({ type: 'reset_peer', attributes: { timeout: 300 } });
    await sleep(400); // idle: nothing happens yet
    expect(probe.closedAt).toBeUndefined();
    const start = performance.now();
    probe.socket.write('during;');
    const closedAt = await probe.waitForClose(300 + SLACK_MS);
    expect(closedAt - start).toBeGreaterThanOrEqual(240);
    expect(probe.text()).toBe('before;');
    // Toxiproxy sets SO_LINGER 0 only on connections that open with the toxic in place.
    expect(probe.endedAt).toBeDefined();
    expect(probe.error).toBeUndefined();
  });

  it('removing it before any data spares the connection', async () => {
    const port = await createProxy();
    await addToxic({ type: 'reset_peer', attributes: { timeout: 400 } });
    const probe = await Probe.connect(resources, port);
    await sleep(600);
    await removeToxic('reset_peer_downstream');
    await sleep(100);
    expect(probe.closedAt).toBeUndefined();
    await roundTrip(probe, 'still here;');
  });

  it('removing it after it swallowed data still ends the connection, with nothing delivered', async () => {
    const port = await createProxy();
    await addToxic({ type: 'reset_peer', attributes: { timeout: 500 } });
    const probe = await Probe.connect(resources, port);
    probe.socket.write('lost;');
    await sleep(100);
    await removeToxic('reset_peer_downstream');
    await probe.waitForClose(500 + SLACK_MS);
    expect(probe.text()).toBe('');
  });
});

describe('timeout', () => {
  it('stops all data and closes the connection after the timeout', async () => {
    const port = await createProxy();
    await addToxic({ type: 'timeout', attributes: { timeout: 400 } });
    const probe = await Probe.connect(resources, port);
    const start = performance.now();
    probe.socket.write('into the void');
    const closedAt = await probe.waitForClose(400 + SLACK_MS);
    expect(closedAt - start).toBeGreaterThanOrEqual(320);
    expect(probe.text()).toBe('');
    expect(probe.endedAt).toBeDefined(); // a FIN, not a reset
  });

  it('with timeout 0 holds the connection open with no data, and closes it when removed', async () => {
    const port = await createProxy();
    await addToxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const probe = await Probe.connect(resources, port);
    probe.socket.write('held');
    await sleep(600);
    expect(probe.closedAt).toBeUndefined();
    expect(probe.text()).toBe('');
    expect(echo.sockets.length).toBe(1); // the upstream connection exists, it just gets nothing

    await removeToxic('timeout_upstream');
    await probe.waitForClose(2000);
    // New connections flow normally again.
    await roundTrip(await Probe.connect(resources, port), 'fresh;');
  });
});

describe('enabled: false', () => {
  it('closes live connections, refuses new ones, and recovers when re-enabled', async () => {
    const port = await createProxy();
    const live = await Probe.connect(resources, port);
    await roundTrip(live, 'alive;');
    const response = await api(server.url, 'POST', `/proxies/${ECHO}`, { enabled: false });
    expect(response.status).toBe(200);
    await live.waitForClose(2000);
    await expect(Probe.connect(resources, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await api(server.url, 'POST', `/proxies/${ECHO}`, { enabled: true });
    await roundTrip(await Probe.connect(resources, port), 'revived;');
  });
});

describe('plain proxying', () => {
  it('moves 8 MB each way intact (backpressure, no toxics and through latency)', async () => {
    const port = await createProxy();
    const payload = Buffer.alloc(8 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 251;
    for (const withLatency of [false, true]) {
      if (withLatency) await addToxic({ type: 'latency', attributes: { latency: 20 } });
      const probe = await Probe.connect(resources, port);
      // No half-close here: Toxiproxy closes both directions once the client ends (see below).
      probe.socket.write(payload);
      await probe.waitForBytes(payload.length, 20_000);
      const received = Buffer.concat(probe.chunks.map((c) => c.data));
      expect(received.length).toBe(payload.length);
      expect(received.equals(payload)).toBe(true);
      probe.socket.destroy();
    }
  });

  it('stops reading from the upstream while the client does not read (bounded buffering)', async () => {
    const total = 96 << 20;
    let written = 0;
    const firehose = await startTcpServer(resources, (socket) => {
      const block = Buffer.alloc(64 << 10, 1);
      const pump = (): void => {
        while (written < total && !socket.destroyed) {
          written += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const port = await createProxy('firehose', firehose.port);
    const probe = await Probe.connect(resources, port);
    probe.socket.pause();
    await sleep(1500);
    // Kernel socket buffers hold a few MB per hop; without backpressure the proxy would swallow all 96 MB.
    expect(written).toBeLessThan(48 << 20);
  });

  // Toxiproxy closes the upstream connection as soon as the client ends, so the echo is lost there.
  embeddedOnly('passes a half-close through: the client ends, still gets the echo, then the end', async () => {
    const port = await createProxy();
    const probe = await Probe.connect(resources, port);
    probe.socket.end('last words;');
    await probe.waitForText('last words;');
    await probe.waitForClose(2000);
    expect(probe.endedAt).toBeDefined();
    expect(probe.error).toBeUndefined();
  });

  it('closes the client when the upstream refuses the connection', async () => {
    const vacated = createServer();
    await new Promise<void>((resolve) => vacated.listen(0, '127.0.0.1', resolve));
    const deadPort = (vacated.address() as AddressInfo).port;
    await new Promise((resolve) => vacated.close(resolve));
    const port = await createProxy('dead', deadPort);
    const probe = await Probe.connect(resources, port);
    await probe.waitForClose(2000);
    expect(probe.text()).toBe('');
  });
});

describe('HTTP through a proxy', () => {
  it('carries a request and response, and adds latency to it', async () => {
    const http = await startTcpServer(resources, (socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    });
    const port = await createProxy('http', http.port);
    const get = (): Promise<{ status: number; body: string; ms: number }> =>
      new Promise((resolve, reject) => {
        const start = performance.now();
        const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - start }));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get()).toMatchObject({ status: 200, body: 'ok' });
    await addToxic({ type: 'latency', attributes: { latency: 250 } }, 'http');
    const slowed = await get();
    expect(slowed).toMatchObject({ status: 200, body: 'ok' });
    expect(slowed.ms).toBeGreaterThanOrEqual(200);
  });
});

describe('more toxics', () => {
  it('bandwidth limits throughput and delivers every byte', async () => {
    const port = await createProxy();
    await addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } });
    const probe = await Probe.connect(resources, port);
    const payload = 'x'.repeat(49_999) + ';';
    const start = performance.now();
    probe.socket.write(payload);
    const arrived = await probe.waitForText(';', 5000);
    // 50 KB at 100 KB/s: about 500 ms.
    expect(arrived - start).toBeGreaterThanOrEqual(400);
    expect(arrived - start).toBeLessThan(500 + SLACK_MS);
    expect(probe.text()).toBe(payload);
  });

  it('slow_close holds the FIN back by the delay, data first', async () => {
    const closer = await startTcpServer(resources, (socket) => socket.end('bye'));
    const port = await createProxy('closer', closer.port);
    await addToxic({ type: 'slow_close', attributes: { delay: 400 } }, 'closer');
    const start = performance.now();
    const probe = await Probe.connect(resources, port);
    await probe.waitForText('bye');
    await probe.waitForClose(400 + SLACK_MS);
    expect((probe.endedAt as number) - start).toBeGreaterThanOrEqual(320);
  });

  it('slicer cuts data into small pieces and keeps every byte in order', async () => {
    const port = await createProxy();
    await addToxic({ type: 'slicer', attributes: { average_size: 10, size_variation: 4, delay: 5000 } });
    const probe = await Probe.connect(resources, port);
    const payload = Array.from({ length: 40 }, (_, i) => `${i}`.padStart(4, '0')).join('') + ';';
    probe.socket.write(payload);
    await probe.waitForText(';');
    expect(probe.text()).toBe(payload);
    expect(probe.chunks.length).toBeGreaterThanOrEqual(5);
  });

  it('limit_data lets the first N bytes through, then closes the connection', async () => {
    const talker = await startTcpServer(resources, (socket) => socket.write('0123456789abcdefghij'));
    const port = await createProxy('talker', talker.port);
    await addToxic({ type: 'limit_data', attributes: { bytes: 10 } }, 'talker');
    const probe = await Probe.connect(resources, port);
    await probe.waitForClose(2000);
    expect(probe.text()).toBe('0123456789');
  });
});

// Toxiproxy takes any integer (and, via Go's JSON decoder, rejects only wrong JSON types).
describeEmbeddedOnly('attribute validation', () => {
  it.each([
    ['latency', { latency: -1 }, 'latency'],
    ['latency', { latency: '100' }, 'latency'],
    ['latency', { latency: 1.5 }, 'latency'],
    ['latency', { latency: 10, jitter: -5 }, 'jitter'],
    ['reset_peer', { timeout: -1 }, 'timeout'],
    ['timeout', { timeout: 2 ** 31 }, 'timeout'],
    ['timeout', { timeout: null }, 'timeout'],
    ['bandwidth', { rate: 0 }, 'rate'],
    ['slow_close', { delay: -10 }, 'delay'],
    ['slicer', { average_size: 0 }, 'average_size'],
    ['slicer', { average_size: 10, size_variation: 10 }, 'size_variation'],
    ['limit_data', { bytes: -1 }, 'bytes'],
  ])('%s with %j answers 400 naming %s', async (type, attributes, field) => {
    await createProxy();
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, { type, attributes });
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error).toMatch(
      new RegExp(`^bad request body: attribute "${field}" must be an integer`),
    );
    expect((await api(server.url, 'GET', `/proxies/${ECHO}/toxics`)).json).toEqual([]);
  });

  it('an invalid update answers 400 and leaves the toxic as it was', async () => {
    await createProxy();
    await addToxic({ type: 'latency', attributes: { latency: 50 } });
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics/latency_downstream`, {
      attributes: { latency: -50 },
    });
    expect(response.status).toBe(400);
    const toxic = await api(server.url, 'GET', `/proxies/${ECHO}/toxics/latency_downstream`);
    expect((toxic.json as { attributes: unknown }).attributes).toEqual({ latency: 50, jitter: 0 });
  });
});
