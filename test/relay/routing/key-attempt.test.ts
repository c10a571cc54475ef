/** The chain engine over a pooled target, with fake attempts told apart by the key they carry. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import type { Attempt, AttemptOutcome, ChainResult } from '../../../src/relay/contract.js';
import { KeyPool } from '../../../src/relay/policies/key-pool.js';
import { createChainEngine } from '../../../src/relay/routing/chain-engine.js';
import { prepareTargets } from '../../../src/relay/target.js';

const ENV = { KA_0: 'key-zero', KA_1: 'key-one', KA_2: 'key-two', KA_F: 'key-fallback' };

/** A pooled primary and a single-key fallback; `script` answers per key value. */
function setup(script: Record<string, (signal: AbortSignal) => Promise<AttemptOutcome> | AttemptOutcome>) {
  const pool = new KeyPool('p', ['KA_0', 'KA_1', 'KA_2'], 'round-robin');
  const targets = prepareTargets(
    [
      { name: 'primary', provider: 'p', baseUrl: 'http://p.test/v1', keyPool: pool },
      { name: 'fallback', provider: 'f', baseUrl: 'http://f.test/v1', apiKeyEnv: 'KA_F' },
    ],
    ENV,
    { attemptTimeoutMs: 300 },
  );
  const sent: string[] = [];
  const attempt: Attempt = async ({ target, signal }) => {
    const key = target.headers['authorization']!.slice('Bearer '.length);
    sent.push(key);
    return script[key]!(signal);
  };
  const engine = createChainEngine({ breaker: { consecutiveFailures: 1 } });
  const run = (): Promise<ChainResult> =>
    engine.run(targets, attempt, { signal: new AbortController().signal, deadline: Infinity, stream: false });
  return { pool, targets, sent, engine, run };
}

const ok = (): AttemptOutcome => ({
  verdict: classify({ status: 200 }),
  response: { kind: 'json', status: 200, body: '{}', model: 'm', usage: undefined, elapsedMs: 1 },
});
const status =
  (code: number, headers: Record<string, string> = {}) =>
  (): AttemptOutcome => ({ verdict: classify({ status: code }), status: code, headers, body: Buffer.from('{}') });

describe('attempts on a key pool', () => {
  it('a 429 moves to the next key of the same target; the breaker hears only the success', async () => {
    const { sent, run, engine, targets } = setup({
      'key-zero': status(429, { 'retry-after': '5' }),
      'key-one': ok,
      'key-two': ok,
      'key-fallback': ok,
    });
    const result = await run();
    expect(result).toMatchObject({ kind: 'served', attempts: 2, failovers: 0 });
    expect(result.kind === 'served' && result.target.name).toBe('primary');
    expect(result.failures).toEqual([{ target: 'primary', kind: 'status_429', detail: 'HTTP 429, key #0' }]);
    expect(sent).toEqual(['key-zero', 'key-one']);
    expect(engine.breakerState(targets[0]!)).toBe('closed');
    expect(engine.isAvailable(targets[0]!)).toBe(true);
  });

  it("a 5xx is the target's failure, not the key's: straight on to the next target", async () => {
    const { sent, run, engine, targets } = setup({
      'key-zero': status(500),
      'key-one': ok,
      'key-two': ok,
      'key-fallback': ok,
    });
    const result = await run();
    expect(result.kind === 'served' && result.target.name).toBe('fallback');
    expect(sent).toEqual(['key-zero', 'key-fallback']);
    expect(engine.breakerState(targets[0]!)).toBe('open');
  });

  it('every key 429: the target cools down until its first key is back, and the next target serves', async () => {
    const { sent, run, engine, targets, pool } = setup({
      'key-zero': status(429, { 'retry-after': '30' }),
      'key-one': status(429, { 'retry-after': '20' }),
      'key-two': status(429, { 'retry-after': '40' }),
      'key-fallback': ok,
    });
    const result = await run();
    expect(result.kind === 'served' && result.target.name).toBe('fallback');
    expect(sent).toEqual(['key-zero', 'key-one', 'key-two', 'key-fallback']);
    expect(engine.isAvailable(targets[0]!)).toBe(false);
    expect(pool.waitMs(performance.now())).toBeGreaterThan(15_000);
    expect(pool.waitMs(performance.now())).toBeLessThanOrEqual(20_000);
    const again = await run();
    expect(again.kind === 'served' && again.target.name).toBe('fallback');
    expect(sent.slice(4)).toEqual(['key-fallback']); // the pooled target was skipped
  });

  it("the keys share one attempt's timeout: a slow key leaves no time for another", async () => {
    const hang = (signal: AbortSignal): Promise<AttemptOutcome> =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve({ verdict: classify({ error: signal.reason }) }), {
          once: true,
        }),
      );
    const slow429 = (): Promise<AttemptOutcome> =>
      new Promise((resolve) => setTimeout(() => resolve(status(429)()), 200));
    const { sent, run } = setup({ 'key-zero': slow429, 'key-one': hang, 'key-two': ok, 'key-fallback': ok });
    const started = performance.now();
    const result = await run();
    // 200 ms on key 0, the rest of the 300 ms attempt on key 1, then the fallback.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.kind === 'served' && result.target.name).toBe('fallback');
    expect(sent).toEqual(['key-zero', 'key-one', 'key-fallback']);
    expect(result.failures.map((f) => f.kind)).toEqual(['status_429', 'timeout']);
  });
});
