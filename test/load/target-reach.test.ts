/**
 * How the open-model generator reaches a target that is not at its URL's host: the socket goes
 * to `dial.connectTo` (a fault-plane proxy) while the Host header stays the URL's, requests go to
 * the provider's own path prefix, and a gateway's configured header names the serving provider.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModel } from '../../src/load/open-model.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { completionBody, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('open-model load: reaching the target', () => {
  it('dials connectTo, keeps the URL’s host and posts to chatPath; reads the provider from providerHeader', async () => {
    const seen: Array<{ host: string | undefined; path: string | undefined }> = [];
    server = await startTestServer((req, res) => {
      seen.push({ host: req.headers.host, path: req.url });
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json', 'x-gateway-provider': 'east' }).end(completionBody()),
      );
    });
    const records: RequestRecord[] = [];
    const run = await runOpenModel({
      // Nothing listens there (and .invalid never resolves): only connectTo can reach the server.
      baseUrl: 'http://api.provider.invalid:8080',
      chatPath: '/openai/v1/chat/completions',
      dial: { connectTo: `127.0.0.1:${server.port}` },
      providerHeader: 'x-gateway-provider',
      ratePerSecond: 20,
      durationMs: 500,
      timeoutMs: 5000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 16,
      onRecord: (r) => records.push(r),
    });
    expect(run.scheduled).toBe(10);
    expect(records.every((r) => r.outcome === 'ok' && r.provider === 'east')).toBe(true);
    expect(seen).toHaveLength(10);
    expect(seen.every((s) => s.host === 'api.provider.invalid:8080')).toBe(true);
    expect(seen.every((s) => s.path === '/openai/v1/chat/completions')).toBe(true);
  });

  it('without providerHeader the gateway’s header means nothing: the record stays unattributed', async () => {
    server = await startTestServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json', 'x-gateway-provider': 'east' }).end(completionBody()),
      );
    });
    const records: RequestRecord[] = [];
    await runOpenModel({
      baseUrl: server.url,
      ratePerSecond: 20,
      durationMs: 250,
      timeoutMs: 5000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 16,
      onRecord: (r) => records.push(r),
    });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.outcome === 'ok' && r.provider === undefined)).toBe(true);
  });
});
