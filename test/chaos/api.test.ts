/**
 * The fault plane's HTTP API, through `toxiproxy-node-client` and raw HTTP. A conformance suite:
 * by default it runs against our embedded server; against a real Toxiproxy (2.12) on this machine,
 * which must reach the test's upstreams on 127.0.0.1 and be reachable there:
 *
 *   toxiproxy-server -host 127.0.0.1 -port 8474 &
 *   TOXIPROXY_URL=http://127.0.0.1:8474 npm run test:conformance
 *
 * Embedded-only tests (`embeddedOnly`, `describeEmbeddedOnly`) check what only our server does or
 * promises (exact version string, JSON error content type, stricter validation and its messages,
 * lifecycle of our own server object); everything else must hold for both. The suite names every
 * proxy with a per-process prefix and deletes only those; `POST /reset` acts on every proxy of the
 * server, so its tests run against an external server only with TOXIPROXY_DEDICATED=1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Toxiproxy, ToxiproxyError, type ICreateToxicBody } from 'toxiproxy-node-client';
import type { RunningToxiproxyServer } from '../../src/chaos/server.js';
import { startToxiproxyServer } from '../../src/chaos/server.js';
import { FaultPlaneError } from '../../src/errors.js';
import {
  api,
  describeEmbeddedOnly,
  embeddedOnly,
  own,
  ownProxyNames,
  portOf,
  Probe,
  Resources,
  roundTrip,
  serverWide,
  startFaultPlane,
  startTcpServer,
  type TcpServer,
} from './helpers.js';

const resources = new Resources();
let server: RunningToxiproxyServer;
let client: Toxiproxy;
let echo: TcpServer;
let upstream: string;

beforeEach(async () => {
  server = await startFaultPlane(resources);
  client = new Toxiproxy(server.url);
  echo = await startTcpServer(resources);
  upstream = `127.0.0.1:${echo.port}`;
});

afterEach(() => resources.closeAll());

/** The package types `addToxic` bodies as complete; the API itself fills defaults. */
function toxicBody<T>(body: Partial<ICreateToxicBody<T>>): ICreateToxicBody<T> {
  return body as ICreateToxicBody<T>;
}

describeEmbeddedOnly('server lifecycle', () => {
  it('serves on an ephemeral port and refuses requests after close()', async () => {
    const ownServer = await startToxiproxyServer({ port: 0 });
    expect(ownServer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(ownServer.url)).toBeGreaterThan(0);
    await ownServer.close();
    await expect(fetch(`${ownServer.url}/version`)).rejects.toThrow();
  });

  it('rejects with FaultPlaneError when the API port is taken', async () => {
    await expect(startToxiproxyServer({ port: portOf(server.url) })).rejects.toBeInstanceOf(FaultPlaneError);
  });

  it('close() closes proxy listeners and live proxied connections', async () => {
    const ownServer = await startToxiproxyServer({ port: 0 });
    const proxy = await new Toxiproxy(ownServer.url).createProxy({ name: 'p', listen: '127.0.0.1:0', upstream });
    const probe = await Probe.connect(resources, portOf(proxy.listen));
    await roundTrip(probe, 'ping');
    await ownServer.close();
    await probe.waitForClose(2000);
    await expect(Probe.connect(resources, portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('through toxiproxy-node-client', () => {
  const ECHO = own('echo');

  it('reports the version as JSON', async () => {
    // Toxiproxy 2.12 says "2.12.0" (or "git" when built from source); ours adds "-relaybench".
    expect(JSON.parse(await client.getVersion())).toEqual({ version: expect.any(String) });
  });

  embeddedOnly('reports our version, 2.12.0-relaybench', async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: '2.12.0-relaybench' });
  });

  it('creates a proxy on an ephemeral port and echoes the bound address', async () => {
    const proxy = await client.createProxy({ name: ECHO, listen: '127.0.0.1:0', upstream });
    expect(proxy.name).toBe(ECHO);
    expect(proxy.upstream).toBe(upstream);
    expect(proxy.enabled).toBe(true);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    const probe = await Probe.connect(resources, portOf(proxy.listen));
    await roundTrip(probe, 'hello through the proxy');
  });

  it('gets one proxy and lists all of them', async () => {
    await client.createProxy({ name: own('a'), listen: '127.0.0.1:0', upstream });
    await client.createProxy({ name: own('b'), listen: '127.0.0.1:0', upstream });
    const b = await client.get(own('b'));
    expect(b.toJson()).toMatchObject({ name: own('b'), upstream, enabled: true });
    const all = await client.getAll();
    expect(ownProxyNames(all)).toEqual(['a', 'b']);
    expect(all[own('a')]?.listen).not.toBe(all[own('b')]?.listen);
  });

  it('disables a proxy (refusing connections) and re-enables it on the same port', async () => {
    const proxy = await client.createProxy({ name: ECHO, listen: '127.0.0.1:0', upstream });
    const port = portOf(proxy.listen);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    expect(disabled.enabled).toBe(false);
    expect((await client.get(ECHO)).enabled).toBe(false);
    await expect(Probe.connect(resources, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const enabled = await disabled.update({ enabled: true, listen: disabled.listen, upstream });
    expect(enabled.enabled).toBe(true);
    expect(enabled.listen).toBe(proxy.listen);
    await roundTrip(await Probe.connect(resources, port), 'back');
  });

  it('removes a proxy, after which it is gone and its port refuses connections', async () => {
    const proxy = await client.createProxy({ name: ECHO, listen: '127.0.0.1:0', upstream });
    await proxy.remove();
    await expect(client.get(ECHO)).rejects.toBeInstanceOf(ToxiproxyError);
    expect(ownProxyNames(await client.getAll())).toEqual([]);
    await expect(Probe.connect(resources, portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('adds, gets, updates and removes a toxic', async () => {
    const proxy = await client.createProxy({ name: ECHO, listen: '127.0.0.1:0', upstream });
    const added = await proxy.addToxic(toxicBody({ type: 'latency', attributes: { latency: 100, jitter: 0 } }));
    expect(added.toJson()).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100, jitter: 0 },
    });

    const fetched = await proxy.getToxic('latency_downstream');
    expect(fetched.toJson()).toEqual(added.toJson());

    const updated = await fetched.update(toxicBody({ toxicity: 0.5, attributes: { latency: 250, jitter: 10 } }));
    expect(updated.toJson()).toMatchObject({ toxicity: 0.5, attributes: { latency: 250, jitter: 10 } });
    expect((await proxy.getToxic('latency_downstream')).attributes).toEqual({ latency: 250, jitter: 10 });

    await updated.remove();
    await expect(proxy.getToxic('latency_downstream')).rejects.toBeInstanceOf(ToxiproxyError);
  });

  it('populates proxies, leaving unchanged ones untouched and replacing changed ones', async () => {
    const [ONE, TWO] = [own('one'), own('two')];
    const first = await client.populate([
      { name: ONE, listen: '127.0.0.1:0', upstream },
      { name: TWO, listen: '127.0.0.1:0', upstream, enabled: false },
    ]);
    expect(ownProxyNames(first)).toEqual(['one', 'two']);
    expect(first[ONE]?.enabled).toBe(true);
    expect(first[TWO]?.enabled).toBe(false);
    const one = first[ONE]!;
    await one.addToxic(toxicBody({ type: 'latency', name: 'keep_me', attributes: { latency: 1, jitter: 0 } }));

    const otherEcho = await startTcpServer(resources);
    const second = await client.populate([
      { name: ONE, listen: one.listen, upstream },
      { name: TWO, listen: '127.0.0.1:0', upstream: `127.0.0.1:${otherEcho.port}` },
    ]);
    // Same listen and upstream: the very same proxy, toxics included.
    expect(second[ONE]?.listen).toBe(one.listen);
    const raw = await api(server.url, 'GET', `/proxies/${ONE}/toxics`);
    expect(raw.json).toEqual([expect.objectContaining({ name: 'keep_me' })]);
    // Changed upstream: replaced (and enabled, the default).
    expect(second[TWO]?.upstream).toBe(`127.0.0.1:${otherEcho.port}`);
    expect(second[TWO]?.enabled).toBe(true);
  });

  serverWide('resets: re-enables every proxy and removes every toxic', async () => {
    const proxy = await client.createProxy({ name: ECHO, listen: '127.0.0.1:0', upstream });
    await proxy.addToxic(toxicBody({ type: 'timeout', attributes: { timeout: 0 } }));
    await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    await client.reset();
    const after = await api(server.url, 'GET', `/proxies/${ECHO}`);
    expect(after.json).toEqual({ name: ECHO, listen: proxy.listen, upstream, enabled: true, toxics: [] });
    await roundTrip(await Probe.connect(resources, portOf(proxy.listen)), 'after reset');
  });
});

describe('raw HTTP contract', () => {
  const ECHO = own('echo');

  async function createEcho(name = ECHO): Promise<void> {
    const created = await api(server.url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
    expect(created.status).toBe(201);
  }

  const MISSING_PROXY: [string, string, unknown][] = [
    ['GET', '/proxies/missing', undefined],
    ['POST', '/proxies/missing', { enabled: false }],
    ['PATCH', '/proxies/missing', 'not json'],
    ['DELETE', '/proxies/missing', undefined],
    ['GET', '/proxies/missing/toxics', undefined],
    ['POST', '/proxies/missing/toxics', { type: 'latency' }],
  ];

  it.each(MISSING_PROXY)('%s %s answers 404 proxy not found', async (method, path, body) => {
    const response = await api(server.url, method, path.replace('missing', own('missing')), body);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'proxy not found', status: 404 });
  });

  // Toxiproxy sets application/json, then Go's http.Error overwrites it with text/plain.
  embeddedOnly('error answers are labelled application/json', async () => {
    for (const [method, path, body] of MISSING_PROXY) {
      expect((await api(server.url, method, path, body)).contentType).toContain('application/json');
    }
  });

  it.each([
    [{ listen: '127.0.0.1:0', upstream: 'x:1' }, 'missing required field: name'],
    [{ name: 'n', listen: '127.0.0.1:0' }, 'missing required field: upstream'],
  ])('POST /proxies %j answers 400 %s', async (body, message) => {
    const response = await api(server.url, 'POST', '/proxies', body);
    expect(response.json).toEqual({ error: message, status: 400 });
    expect(response.status).toBe(400);
  });

  const PROXY_TYPE_ERRORS: [Record<string, unknown>, string][] = [
    [{ name: 42, upstream: 'x:1' }, 'bad request body: field "name" must be a string, got 42'],
    [{ name: 'n', upstream: 'x:1', enabled: 'yes' }, 'bad request body: field "enabled" must be a boolean, got "yes"'],
  ];

  it.each(PROXY_TYPE_ERRORS)('POST /proxies %j answers 400 bad request body', async (body) => {
    const response = await api(server.url, 'POST', '/proxies', body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: expect.stringMatching(/^bad request body: /), status: 400 });
  });

  // Toxiproxy's message is Go's JSON decoder's ("json: cannot unmarshal number into Go struct field ...").
  embeddedOnly.each(PROXY_TYPE_ERRORS)('POST /proxies %j says %s', async (body, message) => {
    expect((await api(server.url, 'POST', '/proxies', body)).json).toEqual({ error: message, status: 400 });
  });

  // Toxiproxy checks neither: it creates a proxy listening on every interface for the first, and
  // answers 500 with Go's listen error for the second.
  embeddedOnly.each([
    [
      { name: 'n', upstream: 'nonsense' },
      'bad request body: upstream must be a host:port address with a port from 1 to 65535, got "nonsense"',
    ],
    [
      { name: 'n', upstream: 'x:1', listen: 'nope' },
      'bad request body: listen must be a host:port address, got "nope"',
    ],
  ])('POST /proxies %j answers 400 %s', async (body, message) => {
    const response = await api(server.url, 'POST', '/proxies', body);
    expect(response.json).toEqual({ error: message, status: 400 });
    expect(response.status).toBe(400);
  });

  it('answers 400 bad request body for malformed or empty JSON', async () => {
    const malformed = await api(server.url, 'POST', '/proxies', '{"name": ');
    expect(malformed.status).toBe(400);
    expect((malformed.json as { error: string }).error).toMatch(/^bad request body: /);
    const empty = await api(server.url, 'POST', '/proxies', '');
    expect(empty.json).toEqual({ error: 'bad request body: EOF', status: 400 });
  });

  it('answers 409 for a duplicate proxy name', async () => {
    await createEcho();
    const duplicate = await api(server.url, 'POST', '/proxies', { name: ECHO, listen: '127.0.0.1:0', upstream });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({ error: 'proxy already exists', status: 409 });
  });

  it('answers 500 with the listen error when the port is taken, and creates nothing', async () => {
    const response = await api(server.url, 'POST', '/proxies', {
      name: own('clash'),
      listen: `127.0.0.1:${echo.port}`,
      upstream,
    });
    expect(response.status).toBe(500);
    // Ours passes Node's code on, Toxiproxy Go's text ("bind: address already in use").
    expect((response.json as { error: string }).error).toMatch(/EADDRINUSE|address already in use/);
    expect((await api(server.url, 'GET', `/proxies/${own('clash')}`)).status).toBe(404);
  });

  it('updates a proxy with PATCH, merging only the given fields', async () => {
    await createEcho();
    const before = (await api(server.url, 'GET', `/proxies/${ECHO}`)).json as { listen: string };
    const patched = await api(server.url, 'PATCH', `/proxies/${ECHO}`, { enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ name: ECHO, listen: before.listen, upstream, enabled: false, toxics: [] });
    const moved = await api(server.url, 'PATCH', `/proxies/${ECHO}`, { listen: '127.0.0.1:0', enabled: true });
    expect((moved.json as { enabled: boolean }).enabled).toBe(true);
    expect((moved.json as { listen: string }).listen).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('creates a toxic with Toxiproxy defaults and lists upstream toxics first', async () => {
    await createEcho();
    const created = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, { type: 'latency' });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      attributes: { latency: 0, jitter: 0 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, {
      type: 'timeout',
      stream: 'upstream',
      toxicity: 0,
      attributes: { timeout: 5 },
    });
    const listed = await api(server.url, 'GET', `/proxies/${ECHO}/toxics`);
    expect((listed.json as { name: string }[]).map((t) => t.name)).toEqual(['timeout_upstream', 'latency_downstream']);
    const proxy = await api(server.url, 'GET', `/proxies/${ECHO}`);
    expect((proxy.json as { toxics: unknown[] }).toxics).toEqual(listed.json);
  });

  it.each([
    [{ type: 'latency', stream: 'sideways' }, 'stream was invalid, can be either upstream or downstream'],
    [{ type: 'warp_drive' }, 'invalid toxic type'],
    [{ stream: 'upstream' }, 'invalid toxic type'],
  ])('POST toxic %j answers 400 %s', async (body, message) => {
    await createEcho();
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, body);
    expect(response.json).toEqual({ error: message, status: 400 });
    expect(response.status).toBe(400);
    expect((await api(server.url, 'GET', `/proxies/${ECHO}/toxics`)).json).toEqual([]);
  });

  const TOXIC_TYPE_ERRORS: [Record<string, unknown>, string][] = [
    [{ type: 'latency', toxicity: 'all' }, 'bad request body: field "toxicity" must be a number, got "all"'],
    [{ type: 'latency', attributes: [1] }, 'bad request body: expected an attributes object, got an array'],
  ];

  it.each(TOXIC_TYPE_ERRORS)('POST toxic %j answers 400 bad request body', async (body) => {
    await createEcho();
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: expect.stringMatching(/^bad request body: /), status: 400 });
    expect((await api(server.url, 'GET', `/proxies/${ECHO}/toxics`)).json).toEqual([]);
  });

  // Toxiproxy's message is Go's JSON decoder's; ours names the field.
  embeddedOnly.each(TOXIC_TYPE_ERRORS)('POST toxic %j says %s', async (body, message) => {
    await createEcho();
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, body);
    expect(response.json).toEqual({ error: message, status: 400 });
  });

  // Toxiproxy takes any toxicity (above 1 it acts like 1).
  embeddedOnly('POST toxic with toxicity 1.5 answers 400 and creates nothing', async () => {
    await createEcho();
    const response = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, { type: 'latency', toxicity: 1.5 });
    expect(response.json).toEqual({
      error: 'bad request body: toxicity must be a number from 0 to 1, got 1.5',
      status: 400,
    });
    expect(response.status).toBe(400);
    expect((await api(server.url, 'GET', `/proxies/${ECHO}/toxics`)).json).toEqual([]);
  });

  it('answers 409 for a duplicate toxic name, across streams', async () => {
    await createEcho();
    await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, { name: 'slow', type: 'latency', stream: 'upstream' });
    const duplicate = await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, {
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({ error: 'toxic already exists', status: 409 });
  });

  it.each([
    ['GET', undefined],
    ['POST', { attributes: { latency: 1 } }],
    ['PATCH', { attributes: { latency: 1 } }],
    ['DELETE', undefined],
  ])('%s on a missing toxic answers 404 toxic not found', async (method, body) => {
    await createEcho();
    const response = await api(server.url, method, `/proxies/${ECHO}/toxics/nope`, body);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'toxic not found', status: 404 });
  });

  it('updates a toxic with PATCH, merging attributes and keeping name, type and stream', async () => {
    await createEcho();
    await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, {
      type: 'latency',
      attributes: { latency: 100, jitter: 5 },
    });
    const patched = await api(server.url, 'PATCH', `/proxies/${ECHO}/toxics/latency_downstream`, {
      name: 'renamed',
      stream: 'upstream',
      attributes: { jitter: 20 },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({
      attributes: { latency: 100, jitter: 20 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
  });

  it('deletes a toxic and a proxy with 204 and no body', async () => {
    await createEcho();
    await api(server.url, 'POST', `/proxies/${ECHO}/toxics`, { type: 'latency' });
    const deletedToxic = await api(server.url, 'DELETE', `/proxies/${ECHO}/toxics/latency_downstream`);
    expect([deletedToxic.status, deletedToxic.text]).toEqual([204, '']);
    const deletedProxy = await api(server.url, 'DELETE', `/proxies/${ECHO}`);
    expect([deletedProxy.status, deletedProxy.text]).toEqual([204, '']);
    expect(ownProxyNames((await api(server.url, 'GET', '/proxies')).json)).toEqual([]);
  });

  it('populate validates everything before changing anything', async () => {
    const response = await api(server.url, 'POST', '/populate', [
      { name: own('fine'), listen: '127.0.0.1:0', upstream },
      { name: own('broken'), listen: '127.0.0.1:0' },
    ]);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'missing required field: upstream at proxy 2', status: 400 });
    expect(ownProxyNames((await api(server.url, 'GET', '/proxies')).json)).toEqual([]);
    const notArray = await api(server.url, 'POST', '/populate', { name: own('x') });
    expect(notArray.status).toBe(400);
  });

  it('populate answers 201 with the proxies', async () => {
    const response = await api(server.url, 'POST', '/populate', [{ name: own('p'), listen: '127.0.0.1:0', upstream }]);
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      proxies: [expect.objectContaining({ name: own('p'), upstream, enabled: true, toxics: [] })],
    });
  });

  serverWide('reset answers 204', async () => {
    const response = await api(server.url, 'POST', '/reset');
    expect([response.status, response.text]).toEqual([204, '']);
  });

  embeddedOnly('version has Toxiproxy’s exact body and content type', async () => {
    const response = await api(server.url, 'GET', '/version');
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"version": "2.12.0-relaybench"}\n');
    expect(response.contentType).toBe('application/json;charset=utf-8');
  });

  // Toxiproxy serves /metrics only when started with -proxy-metrics.
  embeddedOnly('serves Prometheus metrics with byte counters per proxy and direction', async () => {
    await createEcho();
    const listen = ((await api(server.url, 'GET', `/proxies/${ECHO}`)).json as { listen: string }).listen;
    await roundTrip(await Probe.connect(resources, portOf(listen)), 'count me');
    const response = await api(server.url, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toContain(
      `toxiproxy_proxy_received_bytes_total{direction="upstream",listener="${listen}",proxy="${ECHO}",upstream="${upstream}"} 8`,
    );
    expect(response.text).toContain(
      `toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="${listen}",proxy="${ECHO}",upstream="${upstream}"} 8`,
    );
  });

  it('answers 404 for unknown paths, 405 for unknown methods and 403 for browsers', async () => {
    expect((await api(server.url, 'GET', '/nope')).status).toBe(404);
    expect((await api(server.url, 'PUT', '/proxies')).status).toBe(405);
    const browser = await fetch(`${server.url}/proxies`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(browser.status).toBe(403);
    await browser.text();
  });

  it('serialises concurrent creates of the same name: one 201, one 409', async () => {
    const body = { name: own('race'), listen: '127.0.0.1:0', upstream };
    const statuses = await Promise.all([
      api(server.url, 'POST', '/proxies', body),
      api(server.url, 'POST', '/proxies', body),
    ]);
    expect(statuses.map((r) => r.status).sort()).toEqual([201, 409]);
  });
});
