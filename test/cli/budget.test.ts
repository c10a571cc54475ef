/**
 * The spend guard through the CLI: a mock whose usage per request is known (max_tokens 1: one
 * completion token) priced in a test book at $0.001 a request, so a budget is reached after a
 * known number of requests. The load stops within one request of it, exits 99 with the budget
 * line, and result.json carries the budget and the spend; a budget not reached changes nothing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaybench } from '../support/cli.js';
import type { RunResult } from '../../src/scenario/result/result.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-budget-'));
  // $1,000 per million output tokens and nothing for input: one completion token costs $0.001.
  await writeFile(
    join(dir, 'book.yaml'),
    'name: budget-test\nkind: direct\nmodels:\n  budget-model: { input: 0, output: 1000, source: test, date: 2026-12-03 }\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A scenario priced in the test book: every success of `budget-model` costs $0.001. */
async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `report: { price_books: [./book.yaml] }\n${body}`);
  return file;
}

async function run(
  file: string,
  out: string,
  ...extra: string[]
): Promise<{ code: number | null; stderr: string; stdout: string; result: RunResult }> {
  const cli = await relaybench(['run', file, '--out', out, ...extra]);
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  return { ...cli, result };
}

describe('budget', () => {
  it('stops an open-model load on the request that reaches the budget and exits 99 saying so', async () => {
    const file = await scenarioFile(
      'reached',
      `providers: [{ name: only, latency: 5ms, model: budget-model }]
load: { rate: 4/s, duration: 60s, timeout: 2s, max_tokens: 1 }
budget: { usd: 0.005 }
`,
    );
    const started = Date.now();
    const junit = join(dir, 'reached.xml');
    const { code, stderr, stdout, result } = await run(file, join(dir, 'out-reached'), '--junit', junit);
    expect(code, stderr).toBe(99);
    expect(Date.now() - started).toBeLessThan(45_000); // not the 60 s of load (startup alone may take 15 s here)
    expect(stderr).toContain('stopping early: budget: spent $0.005 of $0.005 after 5 requests: load stopped');
    expect(result.abortedBy).toBe('budget: spent $0.005 of $0.005 after 5 requests: load stopped');
    expect(result.interrupted).toBe(false);
    expect(result.passed).toBe(false);
    // One request in flight at a time (250 ms apart, 5 ms each): the fifth reaches $0.005, no sixth is sent.
    expect(result.aggregates.scheduled).toBeGreaterThanOrEqual(5);
    expect(result.aggregates.scheduled).toBeLessThanOrEqual(6);
    expect(result.aggregates.accountingHolds).toBe(true);
    expect(result.budget).toMatchObject({ usd: 0.005, book: 'budget-test', reached: true, unpriced: 0 });
    expect(result.budget!.spentUsd).toBeCloseTo(result.aggregates.scheduled * 0.001, 9);
    // The spend is the report's cost in the same book.
    expect(result.budget!.spentUsd).toBeCloseTo(result.aggregates.costUsd!, 9);
    expect(stdout).toContain('**Stopped early**: budget: spent $0.005 of $0.005');
    expect(await readFile(junit, 'utf8')).toMatch(
      /<failure type="gate" message="spent \$0\.00[56] of \$0\.005: the load was stopped"/,
    );
    expect(stdout).toMatch(
      /Budget: spent \$0\.00[56] of \$0\.005 \(budget-test prices, [56] requests metered\); reached/,
    );
  });

  it('bounds a variants run as a whole: spend carries over, and the variants after the one that reaches it do not run', async () => {
    const file = await scenarioFile(
      'variants',
      `providers: [{ name: only, latency: 5ms, model: budget-model }]
load: { rate: 4/s, duration: 1s, timeout: 2s, max_tokens: 1 }
budget: { usd: 0.005 }
variants: [{ name: first }, { name: second }, { name: third }]
`,
    );
    const { code, stderr, stdout, result } = await run(file, join(dir, 'out-variants'));
    expect(code, stderr).toBe(99);
    // first: 4 requests, $0.004; second: its first request reaches $0.005.
    expect(stderr).toContain('stopping early: budget: spent $0.005 of $0.005 after 5 requests: load stopped');
    expect(stderr).toContain('budget reached: not running third');
    expect(result.variants?.map((v) => v.name)).toEqual(['first', 'second']);
    const [first, second] = result.variants!.map((v) => v.result);
    expect(first!.budget).toMatchObject({ reached: false, requests: 4 });
    expect(first!.budget!.spentUsd).toBeCloseTo(0.004, 9);
    expect(second!.abortedBy).toMatch(/^budget: /);
    expect(second!.aggregates.scheduled).toBeLessThanOrEqual(2);
    expect(result.budget).toMatchObject({ usd: 0.005, reached: true, skippedVariants: ['third'] });
    expect(result.passed).toBe(false);
    expect(stdout).toMatch(/Budget: spent \$0\.00[56] of \$0\.005 .*; reached: the load was stopped; not run: third\./);
  });

  it('changes nothing when the budget is not reached', async () => {
    const file = await scenarioFile(
      'not-reached',
      `providers: [{ name: only, latency: 5ms, model: budget-model }]
load: { rate: 4/s, duration: 2s, timeout: 2s, max_tokens: 1 }
budget: { usd: 1 }
`,
    );
    const { code, stderr, stdout, result } = await run(file, join(dir, 'out-not-reached'));
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('stopping early');
    expect(result.abortedBy).toBeUndefined();
    expect(result.passed).toBe(true);
    expect(result.aggregates.scheduled).toBe(8);
    expect(result.budget).toMatchObject({ usd: 1, reached: false, requests: 8, unpriced: 0 });
    expect(result.budget!.spentUsd).toBeCloseTo(0.008, 9);
    expect(stdout).toContain('Budget: spent $0.008 of $1.00 (budget-test prices, 8 requests metered); not reached.');
  });
});
