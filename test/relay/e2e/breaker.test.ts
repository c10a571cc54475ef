/**
 * Acceptance 4: the circuit breaker end to end. Consecutive failures open it (the primary stops
 * receiving requests), after openMs a probe reaches it (a failed probe reopens it), successful
 * probes close it, and the slow-start ramp then lets only part of the traffic through. The
 * transitions show in `GET /relay/events` and in `relay_breaker_transitions_total`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  closeAll,
  openaiError,
  openaiJson,
  sleep,
  startTestRelay,
  startUpstream,
  status,
} from './support.js';

afterEach(closeAll);

const OPEN_MS = 600;
const MARGIN_MS = 200;

describe('circuit breaker', () => {
  it('opens, probes, reopens on a failed probe, closes, then ramps traffic back', async () => {
    const [primary, secondary] = await Promise.all([
      startUpstream(status(500, openaiError('down'))),
      startUpstream(openaiJson('from secondary')),
    ]);
    const relay = await startTestRelay({
      providers: [
        { name: 'primary', dialect: 'openai', baseUrl: `${primary.origin}/v1` },
        { name: 'secondary', dialect: 'openai', baseUrl: `${secondary.origin}/v1` },
      ],
      models: {
        gpt: {
          chain: [
            { provider: 'primary', model: 'p' },
            { provider: 'secondary', model: 's' },
          ],
        },
      },
      policies: {
        breaker: {
          consecutiveFailures: 3,
          openMs: OPEN_MS,
          halfOpenProbes: 1,
          halfOpenSuccesses: 2,
          rampMs: 20_000,
          rampStartShare: 0.1,
        },
      },
    });
    /** One request that must be served as said; the breaker changed (if it did) between `sent` and `done`. */
    const ask = async (provider: string, attempts: string) => {
      const sent = performance.now();
      const reply = await relay.chat(chatBody('gpt'));
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe(provider);
      expect(reply.header('x-relay-attempts')).toBe(attempts);
      return { sent, done: performance.now() };
    };
    /** Sends requests while the breaker opened during `opening` must still be open; all skip the primary. */
    const whileOpen = async (opening: { sent: number }) => {
      let sent = 0;
      while (performance.now() < opening.sent + OPEN_MS - MARGIN_MS) {
        await ask('secondary', '1');
        sent++;
        await sleep(50);
      }
      return sent;
    };
    const transitions = async () =>
      ((await relay.get('/relay/events')).json().data as Array<Record<string, unknown>>)
        .filter((event) => event['type'] === 'breaker' && event['target'] === 'primary/p')
        .map((event) => `${String(event['from'])}->${String(event['to'])}`);

    // Three failures in a row open it.
    for (let i = 0; i < 2; i++) await ask('secondary', '2');
    let opening = await ask('secondary', '2');
    expect(primary.count).toBe(3);
    expect(await whileOpen(opening)).toBeGreaterThanOrEqual(1);
    expect(primary.count).toBe(3);
    expect(await transitions()).toEqual(['closed->open']);

    // After openMs one probe goes through; it fails, so the breaker opens again.
    await sleep(opening.done + OPEN_MS + MARGIN_MS - performance.now());
    opening = await ask('secondary', '2');
    expect(primary.count).toBe(4);
    expect(await whileOpen(opening)).toBeGreaterThanOrEqual(1);
    expect(primary.count).toBe(4);
    expect(await transitions()).toEqual(['closed->open', 'open->halfOpen', 'halfOpen->open']);

    // The primary recovers: two successful probes close the breaker.
    primary.behave(openaiJson('from primary'));
    await sleep(opening.done + OPEN_MS + MARGIN_MS - performance.now());
    await ask('primary', '1');
    expect(await transitions()).toEqual(['closed->open', 'open->halfOpen', 'halfOpen->open', 'open->halfOpen']);
    await ask('primary', '1');
    expect(primary.count).toBe(6);
    expect(await transitions()).toEqual([
      'closed->open',
      'open->halfOpen',
      'halfOpen->open',
      'open->halfOpen',
      'halfOpen->closed',
    ]);

    // Slow start: right after closing it takes ~10-30% of the traffic, not all of it.
    const before = primary.count;
    const total = 80;
    for (let i = 0; i < total; i++) {
      const reply = await relay.chat(chatBody('gpt'));
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-attempts')).toBe('1');
    }
    const ramped = primary.count - before;
    expect(ramped).toBeGreaterThanOrEqual(1);
    expect(ramped).toBeLessThanOrEqual(total / 2);

    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toContain('relay_breaker_transitions_total{target="primary/p",to="open"} 2');
    expect(metrics).toContain('relay_breaker_transitions_total{target="primary/p",to="halfOpen"} 2');
    expect(metrics).toContain('relay_breaker_transitions_total{target="primary/p",to="closed"} 1');
    expect(metrics).not.toContain('relay_breaker_transitions_total{target="secondary/s"');
  });

  it('answers 503 without calling an alias whose only target is open, and /ready says so until openMs passed', async () => {
    const upstream = await startUpstream(status(500, openaiError('down')));
    const relay = await startTestRelay({
      providers: [{ name: 'only', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { gpt: { chain: [{ provider: 'only', model: 'm' }] } },
      policies: { breaker: { consecutiveFailures: 2, openMs: OPEN_MS } },
    });
    expect((await relay.get('/ready')).status).toBe(200);

    for (let i = 0; i < 2; i++) expect((await relay.chat(chatBody('gpt'))).status).toBe(503);
    const opened = performance.now();
    const skipped = await relay.chat(chatBody('gpt'));
    expect(skipped.status).toBe(503);
    expect(skipped.header('x-relay-attempts')).toBe('0');
    expect(skipped.header('retry-after')).toBe('1'); // the rest of openMs, rounded up to a second
    expect(skipped.json().error.message).toBe('all targets failed: only/m: circuit_open (breaker open)');
    expect(upstream.count).toBe(2);

    const notReady = await relay.get('/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.json()).toMatchObject({ status: 'not_ready', unavailable: ['gpt'] });

    await sleep(opened + OPEN_MS + MARGIN_MS - performance.now());
    expect((await relay.get('/ready')).status).toBe(200);
  });
});
