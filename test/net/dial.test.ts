/**
 * `connectorFor` on real sockets: an HTTPS server with a throwaway CA's certificate for
 * `localhost`, reached through a counting TCP pipe (a stand-in for a fault-plane proxy). The
 * socket goes to `connectTo`; the TLS server name, Host header and verified name stay the URL's.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/net/dial.js';
import { makeTestTls, type TestTls } from '../support/tls.js';

/** Node sets `servername` on the server side of a TLS socket (the SNI the client sent); the typings omit it. */
type SniSocket = TLSSocket & { readonly servername?: string | false };

let tls: TestTls;
let origin: HttpsServer;
let originPort: number;
let pipe: Server;
let pipePort: number;
let piped = 0;
const sockets = new Set<Socket>();
/** What the origin saw of each request: the TLS server name (SNI) and the Host header. */
const seen: { servername: string | false | undefined; host: string | undefined }[] = [];

beforeAll(async () => {
  tls = await makeTestTls();
  origin = createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
    seen.push({ servername: (req.socket as SniSocket).servername, host: req.headers.host });
    res.end('ok');
  });
  originPort = await listen(origin);
  pipe = createServer((client) => {
    piped++;
    const upstream = connect(originPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy()).on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  pipePort = await listen(pipe);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  origin.closeAllConnections();
  await Promise.all([close(origin), close(pipe)]);
  await tls.cleanup();
});

/** GETs `path` of `url` through a pool that dials with `connect`; always closes the pool. */
async function get(url: string, connect: ReturnType<typeof connectorFor>): Promise<string> {
  const pool = new Pool(url, connect === undefined ? {} : { connect });
  try {
    const res = await pool.request({ path: '/', method: 'GET' });
    return await res.body.text();
  } finally {
    await pool.destroy();
  }
}

describe('connectorFor', () => {
  it('opens the socket to connectTo while TLS names and verifies the URL host', async () => {
    const before = { piped, seen: seen.length };
    const connect = connectorFor({ connectTo: `127.0.0.1:${pipePort}`, caFile: tls.caFile, timeoutMs: 5000 });
    expect(await get(`https://localhost:${originPort}`, connect)).toBe('ok');
    expect(piped).toBe(before.piped + 1);
    expect(seen.slice(before.seen)).toEqual([{ servername: 'localhost', host: `localhost:${originPort}` }]);
  });

  it('trusts the CA file in addition to the system roots, never instead of verification', async () => {
    const withoutCa = connectorFor({ connectTo: `127.0.0.1:${pipePort}` });
    await expect(get(`https://localhost:${originPort}`, withoutCa)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    // A CA alone (no connectTo) dials the URL's host directly, verified with the CA.
    expect(await get(`https://localhost:${originPort}`, connectorFor({ caFile: tls.caFile }))).toBe('ok');
  });

  it('verifies an IP origin against its own address, not the proxy address', async () => {
    // 127.0.0.2 reaches the same server through the pipe (at 127.0.0.1, which the certificate
    // names), but the certificate does not name 127.0.0.2.
    const connect = connectorFor({ connectTo: `127.0.0.1:${pipePort}`, caFile: tls.caFile });
    expect(await get(`https://127.0.0.1:${originPort}`, connect)).toBe('ok');
    await expect(get(`https://127.0.0.2:${originPort}`, connect)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('is undefined for a plain dial and refuses what is not host:port', () => {
    expect(connectorFor({})).toBeUndefined();
    expect(() => connectorFor({ connectTo: 'proxy.internal' })).toThrow(/connectTo 'proxy\.internal' is not host:port/);
    expect(() => connectorFor({ caFile: '/nonexistent/ca.pem' })).toThrow(/nonexistent\/ca\.pem/);
  });
});

async function listen(server: Server | HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
