/**
 * Front door: slow clients cannot hold the relay hostage. 1,000 raw loopback connections each send
 * their headers and 10 of 100 declared body bytes, then stall. They hold unread-body places, not
 * in-flight slots (`maxInFlight: 16` here), so healthy clients are still served 200 meanwhile; each
 * stalled connection is answered 408 (or closed) once its read timeout passes. A request that
 * declares a body over `maxBodyBytes` gets 413 before a byte of it is read, and a client that never
 * finishes its headers gets 408 too.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, onCleanup, openaiJson, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const STALLED = 1_000;
// Long enough that opening 1,000 connections and serving the healthy clients fits before them on a loaded machine.
const HEADERS_TIMEOUT_MS = 5_000;
const BODY_TIMEOUT_MS = 10_000;

/** What one raw connection received and when it ended (ms after it was opened). */
interface RawConnection {
  readonly socket: Socket;
  readonly openedAt: number;
  received: string;
  closedAt: number | undefined;
}

/** Opens a raw connection to `port` and writes `bytes`; the answer accumulates in `received`. */
async function openRaw(port: number, bytes: string): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port });
  const conn: RawConnection = { socket, openedAt: performance.now(), received: '', closedAt: undefined };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => void (conn.received += chunk));
  socket.on('error', () => {}); // a reset after the 408 is fine
  socket.on('close', () => void (conn.closedAt = performance.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(bytes);
  return conn;
}

function stalledRequest(declared: number, sent: number): string {
  return (
    `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
    `content-length: ${declared}\r\n\r\n${'x'.repeat(sent)}`
  );
}

async function startRelayWithTimeouts() {
  const upstream = await startUpstream(openaiJson('healthy answer'));
  const relay = await startTestRelay({
    server: {
      maxInFlight: 16,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: BODY_TIMEOUT_MS,
      maxBodyBytes: 64 * 1024,
    },
    providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
  });
  return { relay, port: Number(new URL(relay.url).port) };
}

const metricValue = (text: string, name: string): number =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

describe('slow clients', () => {
  it('serves healthy clients while 1,000 stalled bodies wait, then answers the stalled ones 408', async () => {
    const { relay, port } = await startRelayWithTimeouts();
    const stalled: RawConnection[] = [];
    onCleanup(async () => stalled.forEach((conn) => conn.socket.destroy()));
    for (let i = 0; i < STALLED; i += 100) {
      const batch = Array.from({ length: 100 }, () => openRaw(port, stalledRequest(100, 10)));
      stalled.push(...(await Promise.all(batch)));
    }
    await expect
      .poll(async () => metricValue((await relay.get('/metrics')).text, 'relay_unread_bodies'), { timeout: 5_000 })
      .toBe(STALLED);

    // Healthy clients, 40 at once, while every stalled connection is still open.
    const healthy = await Promise.all(Array.from({ length: 40 }, () => relay.chat(chatBody('gpt'))));
    expect(healthy.map((reply) => reply.status)).toEqual(healthy.map(() => 200));
    expect(stalled.filter((conn) => conn.closedAt !== undefined)).toHaveLength(0);

    // Every stalled connection is answered 408 or closed after its timeout (node checks on a shared interval).
    const limitMs = HEADERS_TIMEOUT_MS + BODY_TIMEOUT_MS;
    await expect
      .poll(() => stalled.filter((conn) => conn.closedAt !== undefined).length, { timeout: limitMs + 20_000 })
      .toBe(STALLED);
    for (const conn of stalled) {
      const heldMs = conn.closedAt! - conn.openedAt;
      expect(heldMs).toBeGreaterThanOrEqual(limitMs * 0.9);
      expect(heldMs).toBeLessThan(limitMs + 15_000);
      if (conn.received !== '') expect(conn.received).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect(stalled.filter((conn) => conn.received.startsWith('HTTP/1.1 408 ')).length).toBeGreaterThan(STALLED / 2);
    const metrics = (await relay.get('/metrics')).text;
    expect(metricValue(metrics, 'relay_unread_bodies')).toBe(0);
    expect(metricValue(metrics, 'relay_in_flight')).toBe(0);
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
  }, 90_000);

  it('refuses a declared Content-Length over maxBodyBytes with 413 before reading the body', async () => {
    const { port } = await startRelayWithTimeouts();
    const conn = await openRaw(port, stalledRequest(10 * 1024 * 1024, 0));
    await expect.poll(() => conn.closedAt !== undefined, { timeout: 2_000 }).toBe(true);
    expect(conn.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(conn.received).toContain('"code":"request_too_large"');
    expect(conn.received).toContain('declared Content-Length 10485760 exceeds 65536 bytes');
  });

  it('answers 408 to a client that never finishes its headers', async () => {
    const { port } = await startRelayWithTimeouts();
    const conn = await openRaw(port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    await expect.poll(() => conn.closedAt !== undefined, { timeout: HEADERS_TIMEOUT_MS + 8_000 }).toBe(true);
    expect(conn.closedAt! - conn.openedAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.9);
    expect(conn.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(conn.received).toContain('"code":"request_timeout"');
  }, 20_000);
});
