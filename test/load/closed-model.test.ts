import { afterEach, describe, expect, it } from 'vitest';
import { runClosedModel, type ClosedModelOptions, type ClosedModelRun } from '../../src/load/closed-model.js';
import { latencyMicros, type RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function drive(options: Partial<ClosedModelOptions>): Promise<{ records: RequestRecord[]; run: ClosedModelRun }> {
  const records: RequestRecord[] = [];
  const run = await runClosedModel({
    baseUrl: server!.url,
    connections: 4,
    durationMs: 1000,
    model: 'm',
    maxTokens: 8,
    onRecord: (r) => records.push(r),
    ...options,
  });
  return { records, run };
}

describe('closed-model (autocannon) mode', () => {
  it('records every completed request itself, with intended = actual send, labelled closed-model', async () => {
    let received = 0;
    server = await startTestServer((req, res) => {
      received++;
      answer(req, res, 20, { 'x-relay-provider': 'p1', 'x-relay-attempts': '1' });
    });
    const { records, run } = await drive({});
    expect(run.mode).toBe('closed-model');
    expect(records).toHaveLength(run.scheduled);
    expect(new Set(records.map((r) => r.seq)).size).toBe(records.length);
    // 4 connections x 1 s / 20 ms is ~200 at most; a loaded machine gets fewer.
    expect(records.length).toBeGreaterThan(60);
    expect(records.length).toBeLessThanOrEqual(210);
    // Whatever the server received either completed (a record) or was in flight at the end.
    expect(received).toBeGreaterThanOrEqual(records.length);
    expect(received).toBeLessThanOrEqual(records.length + run.abandoned);
    expect(run.abandoned).toBeLessThanOrEqual(4);
    expect(run.requestsPerSecond).toBeGreaterThan(50);
    for (const r of records) {
      expect(r).toMatchObject({
        outcome: 'ok',
        status: 200,
        provider: 'p1',
        attempts: 1,
        model: 'm',
        usage: { prompt: 5, completion: 3 },
      });
      expect(r.intendedMs).toBe(r.sentMs);
      expect(latencyMicros(r) / 1000).toBeGreaterThanOrEqual(19);
    }
  });

  it('sends the mix (model, key, body) and classifies failures from its own hooks', async () => {
    const seen: Array<{ model: string; auth: string | undefined; id: string | undefined }> = [];
    server = await startTestServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as { model: string };
        seen.push({
          model: body.model,
          auth: req.headers.authorization,
          id: req.headers['x-request-id'] as string | undefined,
        });
        if (body.model === 'broken') res.writeHead(503).end('{"error":{"message":"down"}}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
      });
    });
    const { records } = await drive({
      durationMs: 600,
      connections: 2,
      mix: {
        models: [
          { value: 'broken', weight: 1 },
          { value: 'empty', weight: 1 },
        ],
        maxTokens: 8,
        keys: [{ name: 'team', token: 'sk-x' }],
      },
    });
    expect(records.length).toBeGreaterThan(20);
    const byModel = (m: string): RequestRecord[] => records.filter((r) => r.model === m);
    expect(byModel('broken').every((r) => r.outcome === 'failed' && r.failure === 'status_503')).toBe(true);
    expect(byModel('empty').every((r) => r.outcome === 'failed' && r.failure === 'bad_body')).toBe(true);
    expect(byModel('broken').length / records.length).toBeGreaterThan(0.3);
    expect(byModel('broken').length / records.length).toBeLessThan(0.7);
    expect(records.every((r) => r.client === 'team')).toBe(true);
    expect(seen.every((s) => s.auth === 'Bearer sk-x')).toBe(true);
    // Each request the server saw carried the model its record says (matched by request id).
    const sent = new Map(seen.map((s) => [s.id, s.model]));
    expect(records.every((r) => sent.get(`rb-${r.seq}`) === r.model)).toBe(true);
  });

  it('validates streams it receives whole: [DONE] required', async () => {
    server = await startTestServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `data: {"choices":[{"delta":{"content":"hi"}}]}\n\n${req.headers['x-request-id']?.toString().endsWith('0') ? '' : 'data: [DONE]\n\n'}`,
        );
      });
    });
    const { records } = await drive({ durationMs: 500, mix: { models: 'm', maxTokens: 8, streamRatio: 1 } });
    expect(records.length).toBeGreaterThan(20);
    for (const r of records) {
      if (r.seq % 10 === 0) expect(r).toMatchObject({ outcome: 'failed', failure: 'stream_cut', chunks: 1 });
      else expect(r).toMatchObject({ outcome: 'ok', stream: true, chunks: 1 });
    }
  });

  it('records a timeout for requests the target never answers', async () => {
    server = await startTestServer(() => {});
    const { records, run } = await drive({ durationMs: 2500, connections: 2, timeoutMs: 1000 });
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.every((r) => r.failure === 'timeout' && latencyMicros(r) >= 990_000)).toBe(true);
    expect(run.abandoned).toBe(2);
  });
});
