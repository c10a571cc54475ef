/**
 * Key pools end to end, on real sockets: the relay spreads a provider's traffic over three keys
 * (mock providers that meter and fault each key apart). One key rate-limited: its requests move to
 * the other keys, no failover to the next provider. One key revoked (401): out of the pool, logged
 * once, shown in /ready and /metrics, the others serve. Every key limited: failover to the next
 * provider, and the pooled one is skipped while all its keys cool down.
 */
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import { parseRelayConfig } from '../../../src/relay/config.js';
import { createRelayApp } from '../../../src/relay/relay-app.js';
import { startRelay } from '../../../src/relay/server.js';
import { closeAll, onCleanup, sleep } from './support.js';

afterEach(closeAll);

/** Test-only key values in test-only variables; each ends in a tail the mock's faults can name. */
const KEYS = { KEYPOOL_T_A: 'kp-test-key-aaaa', KEYPOOL_T_B: 'kp-test-key-bbbb', KEYPOOL_T_C: 'kp-test-key-cccc' };
const FALLBACK_KEY = { KEYPOOL_T_F: 'kp-test-key-ffff' };

beforeAll(() => Object.assign(process.env, KEYS, FALLBACK_KEY));
afterAll(() => {
  for (const name of Object.keys({ ...KEYS, ...FALLBACK_KEY })) delete process.env[name];
});

async function mock(name: string, rpmPerKey?: number): Promise<RunningMockProvider> {
  const provider = await startMockProvider({
    name,
    latencyMs: 2,
    ...(rpmPerKey === undefined ? {} : { rateLimitPerKey: { rpm: rpmPerKey } }),
  });
  onCleanup(() => provider.close());
  return provider;
}

interface Reply {
  readonly status: number;
  header(name: string): string | undefined;
  readonly text: string;
}

/** The real relay with a pooled primary and a single-key fallback; its log lines are captured. */
async function relayOver(
  primary: RunningMockProvider,
  fallback: RunningMockProvider,
  keySelection = 'least-used',
  keyProbeAfterMs?: number,
) {
  const config = parseRelayConfig({
    server: { host: '127.0.0.1', port: 0 },
    logging: { level: 'info' },
    providers: [
      {
        name: 'primary',
        dialect: 'openai',
        baseUrl: `${primary.url}/v1`,
        apiKeyEnvs: Object.keys(KEYS),
        keySelection,
        ...(keyProbeAfterMs === undefined ? {} : { keyProbeAfterMs }),
      },
      { name: 'fallback', dialect: 'openai', baseUrl: `${fallback.url}/v1`, apiKeyEnv: 'KEYPOOL_T_F' },
    ],
    models: {
      chat: {
        chain: [
          { provider: 'primary', model: 'gpt-4.1-mini' },
          { provider: 'fallback', model: 'gpt-4.1-mini' },
        ],
      },
    },
  });
  const lines: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = createRelayApp(config, { logDestination });
  const running = await startRelay(config, {
    handleCompletion: app.handleCompletion,
    readiness: app.readiness,
    events: app.events,
    metrics: app.metrics,
    onClose: app.onClose,
  });
  const client = new Agent({ keepAliveTimeout: 10_000 });
  onCleanup(async () => {
    await running.close();
    await client.destroy();
  });
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    const res = await request(`${running.url}${path}`, {
      dispatcher: client,
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, header: (name) => res.headers[name] as string | undefined };
  };
  return {
    lines,
    chat: (stream = false) =>
      send('POST', '/v1/chat/completions', { model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream }),
    get: (path: string) => send('GET', path),
  };
}

/** The key tail of every completion the mock received, in order. */
async function tails(provider: RunningMockProvider): Promise<string[]> {
  return provider.control.log.entries(0).map((entry) => entry.keyTail ?? '-');
}

function metric(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('key pools', () => {
  it('one key rate-limited: its traffic moves to the other keys, never to the next provider', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-primary'), mock('kp-fallback')]);
    primary.control.faults.add({
      effect: { kind: 'key_rate_limit', key: 'bbbb', retryAfter: 30 },
      rate: 1,
      forMs: undefined,
    });
    const relay = await relayOver(primary, fallback);
    const replies = [];
    for (let i = 0; i < 12; i++) replies.push(await relay.chat(i % 4 === 3));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(replies.every((r) => r.header('x-relay-provider') === 'primary')).toBe(true);
    expect(fallback.served()).toBe(0);
    const seen = await tails(primary);
    // Key B was asked once, said 429 (Retry-After 30 s), and was left alone after that.
    expect(seen.filter((tail) => tail === 'bbbb')).toHaveLength(1);
    expect(seen.filter((tail) => tail === 'aaaa').length).toBeGreaterThanOrEqual(5);
    expect(seen.filter((tail) => tail === 'cccc').length).toBeGreaterThanOrEqual(5);
    // The request that met the 429 took two sends, both on the primary.
    expect(replies.map((r) => r.header('x-relay-attempts')).filter((n) => n === '2')).toHaveLength(1);
    const metrics = (await relay.get('/metrics')).text;
    expect(metric(metrics, 'relay_provider_key_rate_limited_total{provider="primary",key="1"}')).toBe(1);
    expect(metric(metrics, 'relay_provider_key_state{provider="primary",key="1"}')).toBe(1);
    expect(metric(metrics, 'relay_provider_key_state{provider="primary",key="0"}')).toBe(0);
    expect(metrics).not.toContain('kp-test-key');
    // The key's 429 never counted against the target: its breaker never left closed.
    expect(metrics).not.toMatch(/relay_breaker_transitions_total\{target="primary/);
    const ready = await relay.get('/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text).keys.primary[1]).toMatchObject({ key: 1, env: 'KEYPOOL_T_B', state: 'cooling' });
  });

  it('round-robin takes the keys in turn', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-rr'), mock('kp-rr-fallback')]);
    const relay = await relayOver(primary, fallback, 'round-robin');
    for (let i = 0; i < 6; i++) expect((await relay.chat()).status).toBe(200);
    expect(await tails(primary)).toEqual(['aaaa', 'bbbb', 'cccc', 'aaaa', 'bbbb', 'cccc']);
  });

  it('one key revoked (401): out of the pool, logged once, in /ready and /metrics; the others serve', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-auth'), mock('kp-auth-fallback')]);
    primary.control.faults.add({ effect: { kind: 'auth_error', key: 'cccc', status: 401 }, rate: 1, forMs: undefined });
    const relay = await relayOver(primary, fallback);
    for (let i = 0; i < 9; i++) {
      const reply = await relay.chat();
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe('primary');
    }
    expect(fallback.served()).toBe(0);
    expect((await tails(primary)).filter((tail) => tail === 'cccc')).toHaveLength(1);
    const revokedLines = relay.lines.filter((line) => line.includes('taken out of the pool'));
    expect(revokedLines).toHaveLength(1);
    expect(JSON.parse(revokedLines[0]!)).toMatchObject({
      provider: 'primary',
      keyIndex: 2,
      keyEnv: 'KEYPOOL_T_C',
      reason: 'HTTP 401',
    });
    expect(relay.lines.join('\n')).not.toContain('kp-test-key');
    const ready = await relay.get('/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text).keys.primary).toEqual([
      { key: 0, env: 'KEYPOOL_T_A', state: 'active' },
      { key: 1, env: 'KEYPOOL_T_B', state: 'active' },
      { key: 2, env: 'KEYPOOL_T_C', state: 'revoked', reason: 'HTTP 401', probeInMs: expect.any(Number) },
    ]);
    const metrics = (await relay.get('/metrics')).text;
    expect(metric(metrics, 'relay_provider_key_revoked_total{provider="primary",key="2"}')).toBe(1);
    expect(metric(metrics, 'relay_provider_key_state{provider="primary",key="2"}')).toBe(2);
  });

  it('every key revoked: the provider is out, the next one serves, nothing more is sent to it', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-allout'), mock('kp-allout-fallback')]);
    for (const key of ['aaaa', 'bbbb', 'cccc'])
      primary.control.faults.add({ effect: { kind: 'auth_error', key, status: 403 }, rate: 1, forMs: undefined });
    const relay = await relayOver(primary, fallback);
    for (let i = 0; i < 4; i++) {
      const reply = await relay.chat();
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe('fallback');
    }
    expect((await tails(primary)).sort()).toEqual(['aaaa', 'bbbb', 'cccc']);
    expect(fallback.served()).toBe(4);
    const keys = JSON.parse((await relay.get('/ready')).text).keys.primary as Array<{ state: string }>;
    expect(keys.map((k) => k.state)).toEqual(['revoked', 'revoked', 'revoked']);
  });

  it('every key rate-limited: fail over to the next provider; the pooled one is skipped while its keys cool', async () => {
    // Two requests a minute per key: the pool serves six, then every key answers 429.
    const [primary, fallback] = await Promise.all([mock('kp-limited', 2), mock('kp-limited-fallback')]);
    const relay = await relayOver(primary, fallback);
    const served: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await relay.chat();
      expect(reply.status).toBe(200);
      served.push(reply.header('x-relay-provider')!);
    }
    expect(served.slice(0, 6)).toEqual(Array(6).fill('primary'));
    expect(served.slice(6)).toEqual(Array(4).fill('fallback'));
    const log = primary.control.log.entries(0);
    // Six served, then one 429 per key in the seventh request, then nothing: the target was cooling.
    expect(log.filter((entry) => entry.status === 200)).toHaveLength(6);
    expect(
      log
        .filter((entry) => entry.status === 429)
        .map((e) => e.keyTail)
        .sort(),
    ).toEqual(['aaaa', 'bbbb', 'cccc']);
    expect(log).toHaveLength(9);
  });

  it('a revoked key is probed after keyProbeAfterMs: refused, out again; served, back in the pool', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-probe'), mock('kp-probe-fallback')]);
    primary.control.faults.add({ effect: { kind: 'auth_error', key: 'cccc', status: 401 }, rate: 1, forMs: undefined });
    const relay = await relayOver(primary, fallback, 'round-robin', 300);
    const cOf = async (): Promise<number> => (await tails(primary)).filter((tail) => tail === 'cccc').length;
    for (let i = 0; i < 6; i++) expect((await relay.chat()).status).toBe(200);
    expect(await cOf()).toBe(1); // revoked at its first use, then left alone
    await sleep(400);
    // Due for a probe: one request tries it (401 again, served by another key), then it is out again.
    for (let i = 0; i < 6; i++) expect((await relay.chat()).status).toBe(200);
    expect(await cOf()).toBe(2);
    primary.control.faults.clear(); // the key is paid up again
    await sleep(400);
    for (let i = 0; i < 6; i++) expect((await relay.chat()).status).toBe(200);
    // The probe was served: the key is back and takes its turn again.
    expect(await cOf()).toBeGreaterThanOrEqual(4);
    expect(fallback.served()).toBe(0);
    expect(relay.lines.filter((line) => line.includes('taken out of the pool'))).toHaveLength(1);
    expect(relay.lines.filter((line) => line.includes('back in the pool after a successful probe'))).toHaveLength(1);
    const keys = JSON.parse((await relay.get('/ready')).text).keys.primary as Array<{ state: string }>;
    expect(keys.map((k) => k.state)).toEqual(['active', 'active', 'active']);
  });

  it('with keyProbeAfterMs 0 a revoked key stays out', async () => {
    const [primary, fallback] = await Promise.all([mock('kp-noprobe'), mock('kp-noprobe-fallback')]);
    primary.control.faults.add({ effect: { kind: 'auth_error', key: 'cccc', status: 401 }, rate: 1, forMs: undefined });
    const relay = await relayOver(primary, fallback, 'round-robin', 0);
    for (let i = 0; i < 3; i++) await relay.chat();
    primary.control.faults.clear();
    await sleep(300);
    for (let i = 0; i < 6; i++) expect((await relay.chat()).status).toBe(200);
    expect((await tails(primary)).filter((tail) => tail === 'cccc')).toHaveLength(1);
    const keys = JSON.parse((await relay.get('/ready')).text).keys.primary as Array<Record<string, unknown>>;
    expect(keys[2]).toEqual({ key: 2, env: 'KEYPOOL_T_C', state: 'revoked', reason: 'HTTP 401' });
  });
});
