/**
 * The spend guard in every load model, against a target that counts what it was sent: an
 * external target at a URL (a loopback server of the test) that answers every completion with
 * usage of 3 completion tokens and names the serving provider, priced in a test book at $0.001
 * a token, so each success costs $0.003. Through the CLI: exit 99, and the target's own count of
 * requests shows how close to the budget the load stopped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { relaybench } from '../support/cli.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';
import type { RunResult } from '../../src/scenario/result/result.js';

let dir: string;
let server: TestServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-budget-models-'));
  await writeFile(
    join(dir, 'book.yaml'),
    'name: budget-test\nkind: direct\nmodels:\n  budget-model: { input: 0, output: 1000, source: test, date: 2026-12-03 }\n',
  );
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A target that answers completions after `delayMs` as provider `only`, and counts them. */
async function countingTarget(delayMs: number): Promise<{ url: string; received: () => number }> {
  let received = 0;
  server = await startTestServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    received++;
    answer(req, res, delayMs, { 'x-relay-provider': 'only' });
  });
  return { url: server.url, received: () => received };
}

async function run(
  name: string,
  load: string,
  url: string,
  usd: number,
): Promise<{ code: number | null; stderr: string; result: RunResult }> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `providers: [{ name: only, latency: 5ms, model: budget-model }]
target: { kind: external, url: '${url}' }
report: { price_books: [./book.yaml] }
load: ${load}
budget: { usd: ${usd} }
`,
  );
  const out = join(dir, `out-${name}`);
  const cli = await relaybench(['run', file, '--out', out]);
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  return { code: cli.code, stderr: cli.stderr, result };
}

describe('budget across load models', () => {
  it('closed model: stops on the response that reaches the budget; at most one more request was sent', async () => {
    const target = await countingTarget(20);
    const { code, stderr, result } = await run(
      'closed',
      '{ mode: closed, connections: 1, duration: 20s, timeout: 2s }',
      target.url,
      0.015,
    );
    expect(code, stderr).toBe(99);
    expect(stderr).toContain('stopping early: budget: spent $0.015 of $0.015 after 5 requests: load stopped');
    expect(result.aggregates.scheduled).toBe(5);
    expect(target.received()).toBeGreaterThanOrEqual(5);
    expect(target.received()).toBeLessThanOrEqual(6);
    expect(result.budget).toMatchObject({ reached: true, requests: 5 });
    expect(result.budget!.spentUsd).toBeCloseTo(0.015, 9);
  });

  it('worker threads: the threads share one spend counter, so the load stops within one request', async () => {
    const target = await countingTarget(5);
    const { code, stderr, result } = await run(
      'workers',
      '{ rate: 10/s, duration: 20s, timeout: 2s, workers: 2 }',
      target.url,
      0.03,
    );
    expect(code, stderr).toBe(99);
    expect(stderr).toMatch(/stopping early: budget: spent \$0\.03\d* of \$0\.03 after 1[01] requests: load stopped/);
    // 100 ms apart, 5 ms each: one request in flight; the tenth reaches $0.03.
    expect(target.received()).toBeGreaterThanOrEqual(10);
    expect(target.received()).toBeLessThanOrEqual(11);
    expect(result.aggregates.scheduled).toBe(target.received());
    expect(result.budget!.spentUsd).toBeCloseTo(target.received() * 0.003, 9);
  });

  it('open model: requests in flight when the budget is reached run to completion and are counted', async () => {
    // 2.5 s answers, longer than the 2 s an interrupt grants: a hard stop would cut them.
    const target = await countingTarget(2500);
    const { code, stderr, result } = await run(
      'in-flight',
      '{ rate: 2/s, duration: 30s, timeout: 10s }',
      target.url,
      0.006,
    );
    expect(code, stderr).toBe(99);
    expect(stderr).toContain('stopping early: budget: spent $0.006 of $0.006 after 2 requests: load stopped');
    // The second answer lands at 3.0 s: arrivals at 0, 0.5 ... 2.5 s (and perhaps 3.0 s, or on a
    // loaded machine 3.5 s) were sent; 60 were due in the 30 s.
    expect(target.received()).toBeGreaterThanOrEqual(6);
    expect(target.received()).toBeLessThanOrEqual(8);
    expect(result.aggregates.scheduled).toBe(target.received());
    expect(result.aggregates.ok).toBe(target.received()); // none cut short
    expect(result.interrupted).toBe(false);
    expect(result.budget).toMatchObject({ reached: true, requests: target.received() });
    expect(result.budget!.spentUsd).toBeCloseTo(target.received() * 0.003, 9);
  });
});
