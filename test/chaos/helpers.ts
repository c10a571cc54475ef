/**
 * Shared fixtures for the fault-plane tests: real loopback servers and a socket probe that records
 * what arrived and when, so tests can assert on timing and on errors the client really sees.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'vitest';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';

/** Closes everything a test opened, newest first; call `closeAll()` in afterEach. */
export class Resources {
  private readonly closers: (() => Promise<unknown> | unknown)[] = [];

  add<T>(resource: T, close: (resource: T) => Promise<unknown> | unknown): T {
    this.closers.push(() => close(resource));
    return resource;
  }

  async closeAll(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()?.();
  }
}

/**
 * With TOXIPROXY_URL set, the suite runs against that server (a real Toxiproxy) instead of ours:
 * the conformance check. What only our server does is skipped there: `embeddedOnly` tests.
 */
export const EXTERNAL_FAULT_PLANE = process.env.TOXIPROXY_URL || undefined;

/** Runs the test only against our embedded server (see the conformance notes at the top of each file). */
export const embeddedOnly = it.skipIf(EXTERNAL_FAULT_PLANE !== undefined);
export const describeEmbeddedOnly = describe.skipIf(EXTERNAL_FAULT_PLANE !== undefined);

/**
 * Tests that act on every proxy of the server (`POST /reset`) run against an external one only
 * when it is declared the suite's own (TOXIPROXY_DEDICATED=1): a shared server is never disturbed.
 */
export const serverWide = it.skipIf(EXTERNAL_FAULT_PLANE !== undefined && process.env.TOXIPROXY_DEDICATED !== '1');

/**
 * Every proxy a test creates is named through {@link own}: this prefix, unique to the test process,
 * is how the external-server cleanup tells the suite's proxies from anyone else's.
 */
export const SUITE_PREFIX = `rbconf_${process.pid}_${randomBytes(3).toString('hex')}_`;

export function own(name: string): string {
  return `${SUITE_PREFIX}${name}`;
}

/** The suite's own proxies in a `GET /proxies` index (or `getAll()`), by the names given to {@link own}, sorted. */
export function ownProxyNames(index: unknown): string[] {
  return Object.keys(index as Record<string, unknown>)
    .filter((name) => name.startsWith(SUITE_PREFIX))
    .map((name) => name.slice(SUITE_PREFIX.length))
    .sort();
}

export async function startFaultPlane(resources: Resources, seed?: number): Promise<RunningToxiproxyServer> {
  if (EXTERNAL_FAULT_PLANE) {
    const url = EXTERNAL_FAULT_PLANE.replace(/\/$/, '');
    // Leave the external server as we found it: delete the proxies this suite created, only those.
    return resources.add({ url, close: async () => {} }, () => deleteOwnProxies(url));
  }
  const server = await startToxiproxyServer({ port: 0, ...(seed === undefined ? {} : { seed }) });
  return resources.add(server, (s) => s.close());
}

async function deleteOwnProxies(url: string): Promise<void> {
  const index = (await (await fetch(`${url}/proxies`)).json()) as Record<string, unknown>;
  const mine = Object.keys(index).filter((name) => name.startsWith(SUITE_PREFIX));
  await Promise.all(mine.map(async (name) => (await fetch(`${url}/proxies/${name}`, { method: 'DELETE' })).text()));
}

export interface TcpServer {
  port: number;
  /** Server-side sockets, in accept order. */
  sockets: Socket[];
}

/** A TCP server on an ephemeral loopback port; `onSocket` decides what it does (default: echo). */
export async function startTcpServer(
  resources: Resources,
  onSocket: (socket: Socket) => void = (s) => s.pipe(s),
): Promise<TcpServer> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  resources.add(
    server,
    (s) =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        s.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, sockets };
}

/** A client socket that records every chunk (with arrival time), the end, the error and the close. */
export class Probe {
  readonly chunks: { data: Buffer; at: number }[] = [];
  /** Bytes received so far. */
  received = 0;
  error: NodeJS.ErrnoException | undefined;
  endedAt: number | undefined;
  closedAt: number | undefined;
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.chunks.push({ data, at: performance.now() });
      this.received += data.length;
      this.notify();
    });
    socket.on('end', () => {
      this.endedAt = performance.now();
      this.notify();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error;
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedAt = performance.now();
        this.notify();
        resolve();
      }),
    );
  }

  /** Connects to 127.0.0.1:port; rejects with the connect error (e.g. ECONNREFUSED). */
  static connect(resources: Resources, port: number): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      resources.add(socket, (s) => s.destroy());
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Probe(socket));
      });
    });
  }

  text(): string {
    return Buffer.concat(this.chunks.map((c) => c.data)).toString('utf8');
  }

  /** Resolves with the time the received text first contained `text`. */
  async waitForText(text: string, timeoutMs = 5000): Promise<number> {
    await this.until(
      () => this.text().includes(text) || this.closedAt !== undefined,
      timeoutMs,
      `text ${JSON.stringify(text)}`,
    );
    let seen = '';
    for (const chunk of this.chunks) {
      seen += chunk.data.toString('utf8');
      if (seen.includes(text)) return chunk.at;
    }
    throw new Error(`connection closed before ${JSON.stringify(text)} arrived (got ${JSON.stringify(seen)})`);
  }

  /** Resolves once at least `bytes` bytes have arrived (or the socket closed). */
  async waitForBytes(bytes: number, timeoutMs = 5000): Promise<void> {
    await this.until(() => this.received >= bytes || this.closedAt !== undefined, timeoutMs, `${bytes} bytes`);
  }

  /** Resolves once the socket is closed (by the peer's FIN or RST). */
  async waitForClose(timeoutMs = 5000): Promise<number> {
    await this.until(() => this.closedAt !== undefined, timeoutMs, 'close');
    return this.closedAt as number;
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const check = (): void => {
        if (!done()) {
          this.waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Sends `text` and resolves with the round trip time (ms) until the echo of it is back. */
export async function roundTrip(probe: Probe, text: string): Promise<number> {
  const start = performance.now();
  probe.socket.write(text);
  return (await probe.waitForText(text)) - start;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The port of a proxy's `listen` address ("127.0.0.1:43127" -> 43127). */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/** Raw API call, for statuses and bodies the client package hides. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string; contentType: string | null }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, contentType: response.headers.get('content-type') };
}
