/**
 * The benchmark's yardstick: a bare pass-through proxy (node:http in, undici out, nothing else).
 * Whatever our relay costs beyond this is the price of its features.
 * Usage: node --import tsx test/bench/bare-proxy.ts <upstream-origin> [port]
 * (`GET /health` answers 200 itself, so a scenario can run it as an `external` target.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { serveUntilStopped } from '../../src/cli/serve-lifecycle.js';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy.ts <upstream-origin>');
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pool
      .request({
        path: req.url ?? '/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      })
      .then(async (response) => {
        const body = Buffer.from(await response.body.arrayBuffer());
        res.writeHead(response.statusCode, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveUntilStopped('bare proxy', {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await pool.close();
    },
  });
});
