import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import type { Attempt, AttemptOutcome, ChainResult, PolicyEvent, RelayResponse } from '../../../src/relay/contract.js';
import { formatFailures } from '../../../src/relay/front-door/refusals.js';
import { createChainEngine, type ChainEngineOptions } from '../../../src/relay/routing/chain-engine.js';
import { prepareTargets, type RelayTarget, type TargetSpec } from '../../../src/relay/target.js';

/** How a fake target behaves on one attempt. */
type Behaviour =
  | { ok: number; stream?: { cancel: () => void } } // serves after `ok` ms
  | { status: number; after?: number; headers?: Record<string, string> }
  | { code: string; after?: number }
  | { hang: true; ignoreAbort?: RelayResponse }; // waits for its signal (or resolves later anyway)

const json = (elapsedMs: number): RelayResponse => ({
  kind: 'json',
  status: 200,
  body: '{"choices":[]}',
  model: 'm',
  usage: undefined,
  elapsedMs,
});
const stream = (cancel: () => void): RelayResponse => ({
  kind: 'stream',
  model: 'm',
  events: (async function* () {})(),
  usage: () => undefined,
  firstByteMs: 1,
  cancel,
});

/** Attempts answer per target name; every call is logged with the target and its signal. */
function fakeAttempts(script: Record<string, Behaviour | ((n: number) => Behaviour)>) {
  const calls: Array<{ target: string; signal: AbortSignal; at: number }> = [];
  const attempt: Attempt = ({ target, signal }) => {
    const count = calls.filter((c) => c.target === target.name).length;
    calls.push({ target: target.name, signal, at: Date.now() });
    const entry = script[target.name] ?? { code: 'ENOTFOUND' };
    const behaviour = typeof entry === 'function' ? entry(count) : entry;
    return new Promise<AttemptOutcome>((resolve) => {
      const aborted = (): void => resolve({ verdict: classify({ error: signal.reason }), error: signal.reason });
      if ('hang' in behaviour) {
        if (behaviour.ignoreAbort !== undefined)
          setTimeout(() => resolve({ verdict: classify({ status: 200 }), response: behaviour.ignoreAbort! }), 5_000);
        else signal.addEventListener('abort', aborted, { once: true });
        return;
      }
      const after = 'ok' in behaviour ? behaviour.ok : (behaviour.after ?? 0);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        if ('ok' in behaviour) {
          const response = behaviour.stream ? stream(behaviour.stream.cancel) : json(after);
          resolve({ verdict: classify({ status: 200 }), response });
        } else if ('status' in behaviour) {
          resolve({
            verdict: classify({ status: behaviour.status }),
            status: behaviour.status,
            headers: behaviour.headers,
            body: Buffer.from('{"error":{}}'),
          });
        } else {
          const error = Object.assign(new Error(behaviour.code), { code: behaviour.code });
          resolve({ verdict: classify({ error }), error });
        }
      }, after);
      const onAbort = (): void => {
        clearTimeout(timer);
        aborted();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
  return { attempt, calls, to: (name: string) => calls.filter((c) => c.target === name).length };
}

const chain = (...specs: Array<string | TargetSpec>): RelayTarget[] =>
  prepareTargets(
    specs.map((spec) => (typeof spec === 'string' ? { name: spec, baseUrl: `http://${spec}.test/v1` } : spec)),
    {},
    { attemptTimeoutMs: 5_000, ttfbTimeoutMs: 1_000 },
  );

function engineWith(options: Partial<ChainEngineOptions> = {}) {
  const engine = createChainEngine({
    now: () => Date.now(),
    epochNow: () => Date.now(),
    random: () => 0.5,
    ...options,
  });
  const events: PolicyEvent[] = [];
  engine.events.on('breaker', (e) => events.push(e));
  engine.events.on('cooldown', (e) => events.push(e));
  return { engine, events };
}

const run = (
  engine: ReturnType<typeof createChainEngine>,
  targets: readonly RelayTarget[],
  attempt: Attempt,
  options: { signal?: AbortSignal; deadline?: number; stream?: boolean } = {},
): Promise<ChainResult> =>
  engine.run(targets, attempt, {
    signal: options.signal ?? new AbortController().signal,
    deadline: options.deadline ?? Infinity,
    stream: options.stream ?? false,
  });

/** Runs `promise` to completion under fake timers. */
async function settle<T>(promise: Promise<T>, ms = 60_000): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true));
  for (let waited = 0; !done && waited < ms; waited += 10) await vi.advanceTimersByTimeAsync(10);
  return promise;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('chain engine: failover and answers', () => {
  it('fails over at once and reports what failed', async () => {
    const { engine } = engineWith();
    const { attempt } = fakeAttempts({ a: { code: 'ECONNREFUSED' }, b: { status: 503 }, c: { ok: 10 } });
    const result = await settle(run(engine, chain('a', 'b', 'c'), attempt));
    expect(result).toMatchObject({
      kind: 'served',
      target: { name: 'c' },
      attempts: 3,
      failovers: 2,
      response: { kind: 'json' },
    });
    expect(formatFailures(result.failures)).toBe('a: connect (ECONNREFUSED); b: status_5xx (HTTP 503)');
  });

  it('passes a non-retryable 4xx through without trying further', async () => {
    const { engine } = engineWith();
    const { attempt, to } = fakeAttempts({ a: { status: 400, headers: { 'x-request-id': 'u1' } }, b: { ok: 1 } });
    const result = await settle(run(engine, chain('a', 'b'), attempt));
    expect(result).toMatchObject({
      kind: 'rejected',
      status: 400,
      target: { name: 'a' },
      headers: { 'x-request-id': 'u1' },
      attempts: 1,
    });
    expect(result.kind === 'rejected' && result.body?.toString()).toBe('{"error":{}}');
    expect(to('b')).toBe(0);
  });

  it('is exhausted when every target fails, with a default Retry-After', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 1 } });
    const { attempt } = fakeAttempts({ a: { status: 500 }, b: { code: 'ECONNRESET' } });
    const result = await settle(run(engine, chain('a', 'b'), attempt));
    expect(result).toMatchObject({ kind: 'exhausted', attempts: 2, retryAfterMs: 1_000 });
  });

  it('reports aborted when the caller leaves, trying nothing further', async () => {
    const { engine } = engineWith();
    const caller = new AbortController();
    const { attempt, to } = fakeAttempts({ a: { hang: true }, b: { ok: 1 } });
    const pending = run(engine, chain('a', 'b'), attempt, { signal: caller.signal });
    await vi.advanceTimersByTimeAsync(100);
    caller.abort(new DOMException('client left', 'AbortError'));
    expect((await settle(pending)).kind).toBe('aborted');
    expect(to('b')).toBe(0);
  });

  it('bounds stream attempts by the time to first byte', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 1 } });
    const { attempt, calls } = fakeAttempts({ a: { hang: true }, b: { ok: 10, stream: { cancel: () => {} } } });
    const result = await settle(run(engine, chain('a', 'b'), attempt, { stream: true }));
    expect(result).toMatchObject({ kind: 'served', target: { name: 'b' }, response: { kind: 'stream' } });
    expect(calls[1]!.at - calls[0]!.at).toBe(1_000); // ttfbTimeoutMs, not attemptTimeoutMs
    expect(result.failures).toEqual([{ target: 'a', kind: 'timeout', detail: 'TimeoutError' }]);
  });
});

describe('chain engine: cooldown from Retry-After', () => {
  it('skips a cooling target until exactly its end, moving on at once', async () => {
    const { engine, events } = engineWith();
    const targets = chain('a', 'b');
    let limited = true;
    const { attempt, calls } = fakeAttempts({
      a: () => (limited ? { status: 429, headers: { 'retry-after': '2' } } : { ok: 5 }),
      b: { ok: 5 },
    });
    const start = Date.now();
    const first = await settle(run(engine, targets, attempt));
    expect(first).toMatchObject({ kind: 'served', target: { name: 'b' } });
    expect(calls[1]!.at - start).toBe(0); // failover did not wait for the cooldown
    expect(events).toEqual([
      { type: 'cooldown', target: 'a', untilMs: start + 2_000, reason: 'status_429', at: start },
    ]);
    limited = false;
    while (Date.now() < start + 1_990) {
      await settle(run(engine, targets, attempt));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(calls.filter((c) => c.target === 'a')).toHaveLength(1); // no attempt reached it while cooling
    vi.setSystemTime(start + 2_000);
    const back = await settle(run(engine, targets, attempt));
    expect(back).toMatchObject({ kind: 'served', target: { name: 'a' } });
    expect(calls.filter((c) => c.target === 'a')[1]!.at).toBeGreaterThanOrEqual(start + 2_000);
  });

  it('answers exhausted with the soonest cooldown end when every target is cooling', async () => {
    const { engine, events } = engineWith({ retry: { maxAttempts: 1 } });
    const targets = chain('a', 'b');
    const { attempt, calls } = fakeAttempts({
      a: { status: 503, headers: { 'retry-after': '30' } },
      b: { status: 429, headers: { 'retry-after-ms': '4500' } },
    });
    await settle(run(engine, targets, attempt));
    await vi.advanceTimersByTimeAsync(500);
    const at = Date.now();
    const result = await run(engine, targets, attempt); // no timer involved: nothing upstream is called
    const ends = events.map((e) => (e.type === 'cooldown' ? e.untilMs - e.at : 0));
    expect(ends).toEqual([30_000, 4_500]);
    const bEnd = events[1]!.type === 'cooldown' ? events[1]!.untilMs : 0;
    expect(result).toMatchObject({ kind: 'exhausted', attempts: 0, retryAfterMs: bEnd - at });
    expect(result.failures.map((f) => f.kind)).toEqual(['cooldown', 'cooldown']);
    expect(calls).toHaveLength(2);
  });
});

describe('chain engine: circuit breaker', () => {
  it('opens after consecutive failures, probes after openMs, closes and ramps up', async () => {
    const { engine, events } = engineWith({
      breaker: { consecutiveFailures: 3, openMs: 1_000, halfOpenSuccesses: 1, rampMs: 1_000_000, rampStartShare: 0.1 },
      retry: { maxAttempts: 1 },
      random: Math.random,
    });
    const targets = chain('a', 'b');
    let down = true;
    const { attempt, to } = fakeAttempts({ a: () => (down ? { status: 502 } : { ok: 5 }), b: { ok: 5 } });
    for (let i = 0; i < 3; i++) await settle(run(engine, targets, attempt));
    expect(engine.breakerState(targets[0]!)).toBe('open');
    expect(engine.isAvailable(targets[0]!)).toBe(false);
    for (let i = 0; i < 5; i++) await settle(run(engine, targets, attempt, { deadline: Date.now() + 100 }));
    expect(to('a')).toBe(3); // open: skipped
    down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    const probe = await settle(run(engine, targets, attempt));
    expect(probe).toMatchObject({ kind: 'served', target: { name: 'a' } });
    expect(events.filter((e) => e.type === 'breaker').map((e) => e.type === 'breaker' && `${e.from}->${e.to}`)).toEqual(
      ['closed->open', 'open->halfOpen', 'halfOpen->closed'],
    );
    // Slow start: right after closing, a takes about 10% of first attempts.
    const before = to('a');
    for (let i = 0; i < 400; i++) await settle(run(engine, targets, attempt));
    const share = (to('a') - before) / 400;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.25);
  });

  it('takes health check results per provider', () => {
    const { engine } = engineWith({ breaker: { consecutiveFailures: 2 } });
    const targets = chain(
      { provider: 'p', model: 'x', baseUrl: 'http://p/v1' },
      { provider: 'q', model: 'y', baseUrl: 'http://q/v1' },
    );
    targets.forEach((t) => engine.isAvailable(t)); // the engine meets its targets
    engine.breakerState(targets[1]!);
    engine.recordHealth('p', false);
    engine.recordHealth('p', false);
    expect(engine.breakerState(targets[0]!)).toBe('open');
    expect(engine.breakerState(targets[1]!)).toBe('closed');
    engine.recordHealth('p', true);
    expect(engine.breakerState(targets[0]!)).toBe('halfOpen');
    expect(engine.recentEvents().map((e) => e.type === 'breaker' && e.to)).toEqual(['open', 'halfOpen']);
  });
});

describe('chain engine: retry rounds under a budget', () => {
  it('retries the whole chain from the top after a jittered backoff when every target failed', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 2, baseMs: 400, maxBackoffMs: 1_000 }, random: () => 0.5 });
    const { attempt, calls } = fakeAttempts({
      a: (n) => (n === 0 ? { status: 503 } : { ok: 5 }),
      b: { status: 500, after: 10 },
    });
    const result = await settle(run(engine, chain('a', 'b'), attempt));
    expect(result).toMatchObject({ kind: 'served', target: { name: 'a' }, attempts: 3 });
    expect(calls.map((c) => c.target)).toEqual(['a', 'b', 'a']);
    expect(calls[2]!.at - calls[1]!.at).toBe(210); // b's 10 ms, then 0.5 x 400
  });

  it('caps total attempts under a full outage: 1000 requests cost at most 1000 x (1 + ratio) + reserve', async () => {
    const { engine } = engineWith({
      retry: { maxAttempts: 3, baseMs: 0, maxBackoffMs: 0 },
      retryBudget: { ratio: 0.2, minPerSecond: 1, windowMs: 10_000 },
      breaker: { consecutiveFailures: 1_000_000, minimumVolume: 1_000_000 }, // keep the breaker out of it
      default429CooldownMs: 0,
    });
    const { attempt, calls } = fakeAttempts({ a: { status: 503 } });
    const targets = chain('a');
    // All at once, as in an outage under load: the bound is exact for one budget window.
    const results = await settle(Promise.all(Array.from({ length: 1_000 }, () => run(engine, targets, attempt))));
    expect(results.every((r) => r.kind === 'exhausted')).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(1_000 * 1.2 + 10);
    expect(calls.length).toBe(1_210); // the budget was used to the last token, no further
  });

  it('does not retry when the backoff would end past the deadline', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 3, baseMs: 1_000, maxBackoffMs: 1_000 }, random: () => 0.9 });
    const { attempt, calls } = fakeAttempts({ a: { status: 503 } });
    const result = await settle(run(engine, chain('a'), attempt, { deadline: Date.now() + 500 }));
    expect(result.kind).toBe('exhausted');
    expect(calls).toHaveLength(1);
  });
});

describe('chain engine: one deadline across attempts', () => {
  it('gives each attempt min(attempt timeout, time left) and answers deadline', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 1 } });
    const targets = chain(
      { name: 'a', baseUrl: 'http://a/v1', attemptTimeoutMs: 400 },
      { name: 'b', baseUrl: 'http://b/v1', attemptTimeoutMs: 400 },
      { name: 'c', baseUrl: 'http://c/v1', attemptTimeoutMs: 400 },
    );
    const { attempt, calls } = fakeAttempts({ a: { hang: true }, b: { hang: true }, c: { hang: true } });
    const start = Date.now();
    let endedAt = 0;
    const result = await settle(
      run(engine, targets, attempt, { deadline: start + 1_000 }).finally(() => (endedAt = Date.now())),
    );
    expect(result).toMatchObject({ kind: 'deadline', attempts: 3 });
    expect(calls.map((c) => c.at - start)).toEqual([0, 400, 800]);
    expect(endedAt - start).toBeLessThanOrEqual(1_010); // cut at the deadline, not at 800 + 400
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // every attempt and deadline timer cleared
  });

  it('answers deadline at once when it has already passed', async () => {
    const { engine } = engineWith();
    const { attempt, calls } = fakeAttempts({ a: { ok: 1 } });
    expect((await run(engine, chain('a'), attempt, { deadline: Date.now() - 1 })).kind).toBe('deadline');
    expect(calls).toHaveLength(0);
  });

  it('does not blame a target for the deadline: its breaker stays closed', async () => {
    const { engine } = engineWith({ breaker: { consecutiveFailures: 1 }, retry: { maxAttempts: 1 } });
    const targets = chain('a');
    const { attempt } = fakeAttempts({ a: { hang: true } });
    await settle(run(engine, targets, attempt, { deadline: Date.now() + 100 }));
    expect(engine.breakerState(targets[0]!)).toBe('closed');
  });
});

describe('chain engine: hedging', () => {
  const hedging = { enabled: true, delayMs: 200, useP95: false, ratio: 0.1, minPerSecond: 1, windowMs: 60_000 };

  it('starts the next target when the first is slow; the first answer wins, the loser is aborted', async () => {
    const { engine } = engineWith({ hedge: hedging });
    const { attempt, calls } = fakeAttempts({ a: { hang: true }, b: { ok: 100 } });
    const start = Date.now();
    const result = await settle(run(engine, chain('a', 'b'), attempt));
    expect(result).toMatchObject({ kind: 'served', target: { name: 'b' }, attempts: 2, failovers: 0 });
    expect(calls.map((c) => [c.target, c.at - start])).toEqual([
      ['a', 0],
      ['b', 200],
    ]);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);
    expect(result.failures).toEqual([]); // the loser is not a failure
  });

  it('cancels a loser that produced a stream anyway', async () => {
    const { engine } = engineWith({ hedge: hedging });
    const cancel = vi.fn();
    const late = stream(cancel);
    const { attempt } = fakeAttempts({
      a: { hang: true, ignoreAbort: late },
      b: { ok: 100, stream: { cancel: () => {} } },
    });
    const result = await settle(run(engine, chain('a', 'b'), attempt, { stream: true }));
    expect(result).toMatchObject({ kind: 'served', target: { name: 'b' } });
    expect(cancel).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cancel).toHaveBeenCalledOnce();
  });

  it('does not hedge a fast answer, and never more than the budget allows', async () => {
    const { engine } = engineWith({ hedge: { ...hedging, minPerSecond: 0 } });
    const fast = fakeAttempts({ a: { ok: 50 }, b: { ok: 50 } });
    await settle(run(engine, chain('a', 'b'), fast.attempt));
    expect(fast.calls).toHaveLength(1);
    const slow = fakeAttempts({ a: { ok: 500 }, b: { ok: 500 } });
    const results = await settle(
      Promise.all(Array.from({ length: 100 }, () => run(engine, chain('a', 'b'), slow.attempt))),
    );
    const hedges = slow.calls.filter((c) => c.target === 'b').length;
    expect(hedges).toBeGreaterThan(0);
    expect(hedges).toBeLessThanOrEqual(Math.floor(0.1 * 101));
    expect(results.every((r) => r.kind === 'served')).toBe(true);
  });

  it('hedges after the target’s observed p95 once known', async () => {
    const { engine } = engineWith({ hedge: { ...hedging, useP95: true, minDelayMs: 10, ratio: 1 } });
    const targets = chain('a', 'b');
    const warm = fakeAttempts({ a: { ok: 100 } });
    for (let i = 0; i < 30; i++) await settle(run(engine, targets, warm.attempt));
    const { attempt, calls } = fakeAttempts({ a: { hang: true }, b: { ok: 10 } });
    const start = Date.now();
    await settle(run(engine, targets, attempt));
    expect(calls[1]!.at - start).toBe(100);
  });
});

describe('chain engine: latency-aware balancing', () => {
  it('learns which target of a group is faster and prefers it (P2C over EWMA)', async () => {
    const { engine } = engineWith({ random: Math.random });
    const targets = chain(
      { name: 'slow', baseUrl: 'http://s/v1', priority: 0 },
      { name: 'fast', baseUrl: 'http://f/v1', priority: 0 },
    );
    const { attempt, to } = fakeAttempts({ slow: { ok: 300 }, fast: { ok: 20 } });
    for (let i = 0; i < 200; i++) await settle(run(engine, targets, attempt));
    expect(to('fast')).toBeGreaterThan(180);
  });
});

describe('chain engine: futile rounds', () => {
  it('does not retry a round whose targets failed on quota or auth', async () => {
    const { engine } = engineWith({ retry: { maxAttempts: 3, baseMs: 0, maxBackoffMs: 0 } });
    const { attempt, calls } = fakeAttempts({ a: { status: 401 }, b: { status: 402 } });
    const result = await settle(run(engine, chain('a', 'b'), attempt));
    expect(result.kind).toBe('exhausted');
    expect(result.failures.map((f) => f.kind)).toEqual(['auth', 'quota']);
    expect(calls).toHaveLength(2);
  });
});
