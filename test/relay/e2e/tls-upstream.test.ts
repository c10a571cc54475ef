/**
 * An HTTPS provider stand-in behind the fault plane, as a real provider would be: the mock serves
 * TLS with a throwaway CA's certificate for `localhost`, a real TCP proxy of the embedded fault
 * plane sits in front of it, and our relay keeps the provider's real URL
 * (`https://localhost:<mock port>/v1`) while it dials the proxy (`connectTo`) and trusts the CA
 * (`caFile`). Verification is on throughout: no CA, or a certificate for another name, fails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../../src/chaos/client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../../src/chaos/server.js';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import { HealthChecker } from '../../../src/relay/policies/health-check.js';
import { prepareTargets } from '../../../src/relay/target.js';
import { dialedHealthFetch } from '../../../src/relay/upstream/dialed-health-fetch.js';
import { until } from '../../support/until.js';
import { makeTestTls, type TestTls } from '../../support/tls.js';
import { chatBody, closeAll, onCleanup, sleep, startTestRelay, streamedText } from './support.js';

afterEach(closeAll);

let tls: TestTls;
let plane: RunningToxiproxyServer;
let faults: FaultPlaneClient;
let secure: RunningMockProvider;
let backup: RunningMockProvider;
/** The proxy in front of `secure`: `127.0.0.1:<port>`. */
let proxyListen: string;
const PROXY = `relaybench_test_${process.pid}_tls_secure`;

beforeAll(async () => {
  tls = await makeTestTls();
  plane = await startToxiproxyServer({ port: 0 });
  faults = new FaultPlaneClient(plane.url);
  secure = await startMockProvider({ name: 'secure', latencyMs: 1, tls });
  backup = await startMockProvider({ name: 'backup', latencyMs: 1 });
  // The fault plane resolves the provider's host name itself, as a remote one would.
  proxyListen = (await faults.createProxy(PROXY, `localhost:${portOf(secure)}`)).listen;
});

afterAll(async () => {
  await Promise.all([secure?.close(), backup?.close(), plane?.close()]);
  await tls?.cleanup();
});

function portOf(provider: RunningMockProvider): number {
  return Number(new URL(provider.url).port);
}

/** Alias `gpt`: the HTTPS stand-in behind the proxy, then (optionally) the plain backup. */
function relayConfig(primary: Record<string, unknown>, withBackup = true): Record<string, unknown> {
  return {
    providers: [
      { name: 'secure', dialect: 'openai', attemptTimeoutMs: 5_000, ttfbTimeoutMs: 5_000, ...primary },
      { name: 'backup', dialect: 'openai', baseUrl: `${backup.url}/v1` },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'secure', model: 'gpt-4.1-mini' },
          ...(withBackup ? [{ provider: 'backup', model: 'gpt-4.1-mini' }] : []),
        ],
      },
    },
    policies: { breaker: { enabled: false }, retry: { maxAttempts: 1 } },
  };
}

const behindProxy = (): Record<string, unknown> => ({
  baseUrl: `https://localhost:${portOf(secure)}/v1`,
  connectTo: proxyListen,
  caFile: tls.caFile,
});

describe('an HTTPS provider behind the fault plane', () => {
  it('serves JSON and streaming completions through the proxy with the certificate verified', async () => {
    const relay = await startTestRelay(relayConfig(behindProxy()));
    const before = secure.served();

    const json = await relay.chat(chatBody('gpt'));
    expect(json.status).toBe(200);
    expect(json.header('x-relay-provider')).toBe('secure');
    expect(json.json()['choices'][0].message.content).toEqual(expect.any(String));

    const stream = await relay.stream(chatBody('gpt', { stream: true }));
    expect(stream.status).toBe(200);
    expect(stream.header('x-relay-provider')).toBe('secure');
    expect(stream.events.at(-1)).toBe('[DONE]');
    expect(streamedText(stream.events).length).toBeGreaterThan(0);
    expect(secure.served()).toBe(before + 2);
  });

  it('fails over while the proxy is down, and comes back through it', async () => {
    const relay = await startTestRelay(relayConfig(behindProxy()));
    expect((await relay.chat(chatBody('gpt'))).header('x-relay-provider')).toBe('secure');

    const down = await faults.apply(PROXY, { type: 'down', stream: 'downstream', toxicity: 1, attributes: {} });
    try {
      const during = await relay.chat(chatBody('gpt'));
      expect(during.status).toBe(200);
      // The mock itself is up: only the proxy the relay dials is down.
      expect(during.header('x-relay-provider')).toBe('backup');
      const streamed = await relay.stream(chatBody('gpt', { stream: true }));
      expect(streamed.header('x-relay-provider')).toBe('backup');
      expect((await relay.get('/metrics')).text).toMatch(
        /relay_attempts_total\{target="secure\/gpt-4\.1-mini",outcome="connect"\} 2/,
      );
    } finally {
      await faults.remove(down);
    }
    expect((await relay.chat(chatBody('gpt'))).header('x-relay-provider')).toBe('secure');
  });

  it('refuses the stand-in without its CA: verification is never off', async () => {
    const { caFile: _omitted, ...withoutCa } = behindProxy();
    const relay = await startTestRelay(relayConfig(withoutCa, false));
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(reply.json()['error'].message).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('fails over to the next provider when the certificate is not trusted (nothing was sent)', async () => {
    const { caFile: _omitted, ...withoutCa } = behindProxy();
    const relay = await startTestRelay(relayConfig(withoutCa));
    const before = secure.served();
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('backup');
    expect(secure.served()).toBe(before);
    expect((await relay.get('/metrics')).text).toMatch(
      /relay_attempts_total\{target="secure\/gpt-4\.1-mini",outcome="connect"\} 1/,
    );
  });

  it.each([
    ['an IP the certificate does not name', (port: number) => `https://127.0.0.2:${port}/v1`],
    ['a host name the certificate does not name', (port: number) => `https://stand-in.test:${port}/v1`],
  ])('refuses %s, even through the proxy that reaches the right server', async (_name, urlFor) => {
    const relay = await startTestRelay(relayConfig({ ...behindProxy(), baseUrl: urlFor(portOf(secure)) }, false));
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(reply.json()['error'].message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('health checks of an HTTPS provider behind the fault plane', () => {
  /** One check of the stand-in through `dial`-ing the way `spec` says: `provider:healthy:detail`. */
  async function checkOnce(spec: { connectTo?: string; caFile?: string }): Promise<string[]> {
    const [target] = prepareTargets([
      { provider: 'secure', baseUrl: `https://localhost:${portOf(secure)}/v1`, ...spec },
    ]);
    const fetcher = dialedHealthFetch(target!.dial!, 2_000);
    onCleanup(() => fetcher.close());
    const results: string[] = [];
    const checker = new HealthChecker(
      [target!],
      (p, ok, d) => results.push(`${p}:${ok}:${d}`),
      undefined,
      fetcher.fetch,
    );
    await checker.checkAll();
    return results;
  }

  it('dials the proxy and verifies the certificate, as requests do', async () => {
    expect(await checkOnce({ connectTo: proxyListen, caFile: tls.caFile })).toEqual(['secure:true:HTTP 200']);
    expect(await checkOnce({ connectTo: proxyListen })).toEqual(['secure:false:UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
    const down = await faults.apply(PROXY, { type: 'down', stream: 'downstream', toxicity: 1, attributes: {} });
    try {
      expect(await checkOnce({ connectTo: proxyListen, caFile: tls.caFile })).toEqual(['secure:false:ECONNREFUSED']);
    } finally {
      await faults.remove(down);
    }
  });

  it('keeps the relay ready while checks pass through the proxy, and opens the breaker when it goes down', async () => {
    const config = relayConfig({ ...behindProxy(), healthCheck: { intervalMs: 250, timeoutMs: 250 } }, false);
    const relay = await startTestRelay({
      ...config,
      policies: { breaker: { consecutiveFailures: 2, openMs: 60_000 }, retry: { maxAttempts: 1 } },
    });
    // A first request puts the breaker in place (the engine creates it lazily); then several checks
    // run; checks that kept failing (e.g. ones that did not trust the CA) would open it (two in a row: one slow
    // check on a loaded machine is tolerated).
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    await sleep(1_000);
    expect((await relay.get('/ready')).status).toBe(200);
    const down = await faults.apply(PROXY, { type: 'down', stream: 'downstream', toxicity: 1, attributes: {} });
    try {
      await until(async () => (await relay.get('/ready')).status === 503, 5_000, 'the breaker to open');
    } finally {
      await faults.remove(down);
    }
  });
});
