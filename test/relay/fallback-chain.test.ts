import { describe, expect, it } from 'vitest';
import { classify } from '../../src/relay/classify.js';
import { FallbackChain, formatFailures } from '../../src/relay/fallback-chain.js';
import { noPolicy, type Attempt, type AttemptOutcome, type Policy } from '../../src/relay/policies/policy.js';
import type { RelayTarget } from '../../src/relay/target.js';
import type { UpstreamResponse } from '../../src/relay/upstream.js';

const target = (name: string): RelayTarget => ({ name, model: undefined, origin: 'http://x', completionsPath: '/', headers: {} });
const targets = ['a', 'b', 'c'].map(target);

const response = (status: number): UpstreamResponse => ({ status, contentType: 'application/json', body: Buffer.from('{}'), elapsedMs: 1 });
const answered = (status: number, body?: unknown): AttemptOutcome => ({ verdict: classify({ status, body }), response: response(status) });
const threw = (error: unknown): AttemptOutcome => ({ verdict: classify({ error }), error });
const code = (c: string): Error => Object.assign(new Error(c), { code: c });

/** Attempts answer per target name from a script. */
const scripted =
  (script: Record<string, AttemptOutcome>): Attempt =>
  async ({ target: { name } }) =>
    script[name] ?? threw(new Error(`no script for ${name}`));

const live = (): AbortSignal => new AbortController().signal;

describe('FallbackChain', () => {
  it('stops at the first target that serves', async () => {
    const result = await new FallbackChain(targets, noPolicy).run(
      scripted({ a: threw(code('ECONNREFUSED')), b: answered(200, { choices: [] }) }),
      live(),
    );
    expect(result).toMatchObject({ kind: 'served', attempts: 2, target: { name: 'b' } });
    expect(result.failures).toEqual([{ target: 'a', kind: 'connect', detail: 'ECONNREFUSED' }]);
  });

  it('passes a non-retryable answer through', async () => {
    const result = await new FallbackChain(targets, noPolicy).run(scripted({ a: answered(401) }), live());
    expect(result).toMatchObject({ kind: 'rejected', attempts: 1, target: { name: 'a' }, response: { status: 401 } });
  });

  it('ends on a non-retryable error without an answer', async () => {
    const result = await new FallbackChain(targets, noPolicy).run(scripted({ a: threw(new Error('bug')) }), live());
    expect(result).toMatchObject({ kind: 'failed', attempts: 1 });
    expect(formatFailures(result.failures)).toBe('a: unknown (Error)');
  });

  it('is exhausted when every target fails retryably', async () => {
    const result = await new FallbackChain(targets, noPolicy).run(
      scripted({ a: answered(429), b: answered(503), c: threw(new DOMException('late', 'TimeoutError')) }),
      live(),
    );
    expect(result.kind).toBe('exhausted');
    expect(formatFailures(result.failures)).toBe(
      'a: status_429 (HTTP 429); b: status_5xx (HTTP 503); c: timeout (TimeoutError)',
    );
  });

  it('reports aborted, trying nothing further, when the caller aborts', async () => {
    const controller = new AbortController();
    const tried: string[] = [];
    const attempt: Attempt = async ({ target: { name } }) => {
      tried.push(name);
      controller.abort();
      return threw(new DOMException('client left', 'AbortError'));
    };
    const result = await new FallbackChain(targets, noPolicy).run(attempt, controller.signal);
    expect(result.kind).toBe('aborted');
    expect(tried).toEqual(['a']);
  });

  it('counts every attempt a policy makes, retries included', async () => {
    const retryOnce: Policy = {
      async execute(attempt, ctx) {
        const first = await attempt(ctx);
        return first.verdict.retryable ? attempt(ctx) : first;
      },
    };
    const result = await new FallbackChain(targets, retryOnce).run(
      scripted({ a: answered(500), b: answered(200, { choices: [] }) }),
      live(),
    );
    expect(result).toMatchObject({ kind: 'served', attempts: 3, target: { name: 'b' } });
  });
});
