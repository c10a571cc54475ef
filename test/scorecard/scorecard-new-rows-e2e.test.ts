/**
 * The scorecard's newer rows end to end on real sockets (mocks, fault plane, our relay as child
 * processes): a stalled stream, a prompt too long for the primary, a revoked and an exhausted key
 * of a pool; and the error-shape rule: a gateway whose errors are not OpenAI-shaped is no longer
 * `safe`, the same gateway with OpenAI-shaped errors is.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModeTiming } from '../../src/scorecard/mode-scenario.js';
import { selectModes } from '../../src/scorecard/modes.js';
import { runScorecard } from '../../src/scorecard/run-scorecard.js';
import { parseScorecardTarget } from '../../src/scorecard/scorecard-target.js';

// The client waits 10 s as in the real scorecard: the stall row needs the relay's 5 s idle timer to fire first.
const TIMING: ModeTiming = {
  warmupMs: 500,
  durationMs: 3000,
  faultAtMs: 500,
  faultForMs: 2000,
  clientTimeoutMs: 10_000,
};
const SINGLE = [{ name: 'single' as const, rate: 3 }];
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A stand-in gateway: forwards to the primary only and answers any upstream error 502 in the given shape. */
const GATEWAY = `
import { createServer, request } from 'node:http';
const [port, upstream, shape] = process.argv.slice(2);
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c)).on('end', () => {
    const up = request(upstream + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': req.headers['x-request-id'] ?? '' } }, (r) => {
      if (r.statusCode < 300) { res.writeHead(r.statusCode, r.headers); return r.pipe(res); }
      r.resume();
      if (shape === 'openai') {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'upstream answered ' + r.statusCode, type: 'upstream_error', code: 'bad_gateway' } }));
      } else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad Gateway');
      }
    });
    up.on('error', () => { res.writeHead(502); res.end('Bad Gateway'); });
    up.end(Buffer.concat(chunks));
  });
}).listen(Number(port), '127.0.0.1');
`;

async function gatewayTarget(shape: 'openai' | 'plain'): Promise<ReturnType<typeof parseScorecardTarget>> {
  const dir = await mkdtemp(join(tmpdir(), 'relaybench-shape-'));
  dirs.push(dir);
  await writeFile(join(dir, 'gateway.mjs'), GATEWAY);
  const file = join(dir, `${shape}.yaml`);
  await writeFile(
    file,
    `target:\n  kind: external\n  command: [node, gateway.mjs, '{{port}}', '{{chain.0.base_url}}', ${shape}]\n  ready_url: 'http://127.0.0.1:{{port}}/health'\n`,
  );
  return parseScorecardTarget(file);
}

describe('scorecard rows for stalls, context windows and key pools', () => {
  it('our relay: stream_stall safe (clean error events, no hang), context_length, key_revoked and key_exhausted pass', async () => {
    const card = await runScorecard({
      target: parseScorecardTarget('builtin'),
      modes: selectModes(['stream_stall', 'context_length', 'key_revoked', 'key_exhausted']).modes,
      paces: SINGLE,
      timing: TIMING,
    });
    const row = (mode: string) => card.results.find((r) => r.mode === mode)!;
    expect(['pass', 'safe']).toContain(row('stream_stall').verdict);
    expect(row('stream_stall').counts).not.toHaveProperty('hang');
    expect(row('stream_stall').counts).not.toHaveProperty('truncated');
    expect(row('context_length')).toMatchObject({ verdict: 'pass' });
    // Every request in the window went to the fallback (the larger window) after the primary's refusal.
    expect(row('context_length').attempts['fallback']!.total).toBe(row('context_length').requests);
    for (const mode of ['key_revoked', 'key_exhausted']) {
      expect(row(mode)).toMatchObject({ verdict: 'pass' });
      // The fallback was down: the primary served every request. (The one request that met key 1
      // and moved to key 2 may have started just before the judged window; relay-knobs-e2e shows it.)
      expect(row(mode).attempts['fallback']?.total ?? 0).toBe(0);
      expect(row(mode).attempts['primary']!.total).toBeGreaterThanOrEqual(row(mode).requests);
    }
  }, 240_000);

  it("a gateway answering errors in another shape is fail; the same errors in OpenAI's shape are safe", async () => {
    const modes = selectModes(['server_error']).modes;
    const plain = await runScorecard({ target: await gatewayTarget('plain'), modes, paces: SINGLE, timing: TIMING });
    expect(plain.results[0]).toMatchObject({ verdict: 'fail' });
    expect(plain.results[0]!.counts.unshaped_error).toBe(plain.results[0]!.requests);
    const shaped = await runScorecard({ target: await gatewayTarget('openai'), modes, paces: SINGLE, timing: TIMING });
    expect(shaped.results[0]).toMatchObject({ verdict: 'safe' });
    expect(shaped.results[0]!.counts.clean_error).toBe(shaped.results[0]!.requests);
  }, 120_000);
});
