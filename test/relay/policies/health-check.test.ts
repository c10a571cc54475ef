import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthChecker, healthUrl, type HealthFetch } from '../../../src/relay/policies/health-check.js';
import { prepareTargets } from '../../../src/relay/target.js';

const targets = prepareTargets(
  [
    { provider: 'openai', model: 'gpt-4.1-mini', baseUrl: 'http://openai.test/v1', apiKeyEnv: 'K' },
    { provider: 'openai', model: 'gpt-4.1', baseUrl: 'http://openai.test/v1', apiKeyEnv: 'K' },
    { provider: 'anthropic', dialect: 'anthropic', model: 'claude', baseUrl: 'http://anthropic.test', apiKeyEnv: 'K' },
  ],
  { K: 'sk-test' },
);

describe('HealthChecker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('checks each provider once per interval with its auth headers', async () => {
    const calls: Array<{ url: string; headers: Readonly<Record<string, string>> }> = [];
    const fetcher: HealthFetch = async (url, init) => {
      calls.push({ url, headers: init.headers });
      return { status: 200 };
    };
    const results: string[] = [];
    const checker = new HealthChecker(
      targets,
      (p, ok, d) => results.push(`${p}:${ok}:${d}`),
      { intervalMs: 1_000, timeoutMs: 100 },
      fetcher,
    );
    checker.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.url)).toEqual(['http://openai.test/v1/models', 'http://anthropic.test/v1/models']);
    expect(calls[0]!.headers['authorization']).toBe('Bearer sk-test');
    expect(calls[1]!.headers['x-api-key']).toBe('sk-test');
    expect(results).toEqual(['openai:true:HTTP 200', 'anthropic:true:HTTP 200']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(4);
    checker.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toHaveLength(4);
  });

  it('reports 5xx and errors as unhealthy, 4xx as up', async () => {
    const answers: Record<string, () => Promise<{ status: number }>> = {
      'http://openai.test/v1/models': async () => ({ status: 503 }),
      'http://anthropic.test/v1/models': async () =>
        Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    };
    const results: string[] = [];
    const checker = new HealthChecker(
      targets,
      (p, ok, d) => results.push(`${p}:${ok}:${d}`),
      { intervalMs: 1_000, timeoutMs: 100 },
      (url) => answers[url]!(),
    );
    await checker.checkAll();
    expect(results).toEqual(['openai:false:HTTP 503', 'anthropic:false:ECONNREFUSED']);
    answers['http://openai.test/v1/models'] = async () => ({ status: 401 });
    results.length = 0;
    await checker.checkAll();
    expect(results[0]).toBe('openai:true:HTTP 401');
  });

  it('times a hanging check out, and never runs two at once for a provider', async () => {
    let started = 0;
    const hanging: HealthFetch = (_, init) => {
      started++;
      return new Promise((_, reject) =>
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error)),
      );
    };
    const results: string[] = [];
    const one = prepareTargets([{ provider: 'p', baseUrl: 'http://p.test/v1' }], {});
    const checker = new HealthChecker(
      one,
      (p, ok, d) => results.push(`${p}:${ok}:${d}`),
      { intervalMs: 100, timeoutMs: 250 },
      hanging,
    );
    checker.start();
    await vi.advanceTimersByTimeAsync(300); // due at 100, 200, 300: one running
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(results).toEqual(['p:false:timeout']);
    checker.stop();
  });

  it('builds each dialect’s models URL, keeping a query string', () => {
    const [gemini, azure] = prepareTargets(
      [
        { provider: 'g', dialect: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta' },
        { provider: 'az', baseUrl: 'https://gw.example/openai/v1?api-version=2' },
      ],
      {},
    );
    expect(healthUrl(gemini!)).toBe('https://generativelanguage.googleapis.com/v1beta/models');
    expect(healthUrl(azure!)).toBe('https://gw.example/openai/v1/models?api-version=2');
  });

  it('rejects invalid options', () => {
    expect(() => new HealthChecker([], () => {}, { intervalMs: 0, timeoutMs: 1 })).toThrow(
      /healthCheck\.intervalMs: expected a number > 0, got 0/,
    );
  });
});
