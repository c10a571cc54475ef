import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModel } from '../../src/load/open-model.js';
import { latencyMicros, ttftMicros, type RequestRecord } from '../../src/metrics/record.js';
import { startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const chunk = (content: string): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const ROLE = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' } }] })}\n\n`;
const USAGE = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } })}\n\n`;

type Script = (
  res: ServerResponse,
  body: { stream?: boolean; stream_options?: { include_usage?: boolean } },
) => Promise<void>;

/** A streaming server: checks the request asked for a stream with usage, then runs the script. */
async function streamServer(script: Script): Promise<void> {
  server = await startTestServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Parameters<Script>[1];
      if (
        body.stream !== true ||
        body.stream_options?.include_usage !== true ||
        req.headers.authorization !== 'Bearer sk-test'
      ) {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      script(res, body).catch(() => res.destroy());
    });
  });
}

async function streamRun(count = 2): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  const run = await runOpenModel({
    baseUrl: server!.url,
    schedule: { kind: 'constant', rate: 5, durationMs: count * 200 },
    timeoutMs: 5000,
    maxInFlight: 100,
    mix: { models: 'm-stream', maxTokens: 16, streamRatio: 1, keys: [{ name: 'test-key', token: 'sk-test' }] },
    onRecord: (r) => records.push(r),
  });
  expect(records).toHaveLength(run.scheduled);
  expect(run.scheduled).toBe(count);
  return records;
}

describe('streamed responses', () => {
  it('measures TTFT, chunks, gaps and usage of a valid stream split at arbitrary byte boundaries', async () => {
    await streamServer(async (res) => {
      res.write(ROLE); // not content: TTFT waits for the first content chunk
      await sleep(200);
      const events = chunk('Hel') + chunk('lo') + chunk(' there');
      // Cut the three events at awkward places, inside a JSON string and between \n\n.
      for (const part of [events.slice(0, 20), events.slice(20, 50), events.slice(50, 71), events.slice(71)]) {
        res.write(part);
        await sleep(20);
      }
      await sleep(100);
      res.write(chunk('!'));
      res.end(`${USAGE}data: [DONE]\n\n`);
    });
    const records = await streamRun();
    for (const r of records) {
      expect(r).toMatchObject({
        outcome: 'ok',
        stream: true,
        model: 'm-stream',
        client: 'test-key',
        chunks: 4,
        usage: { prompt: 11, completion: 4 },
      });
      const ttftMs = ttftMicros(r)! / 1000;
      expect(ttftMs).toBeGreaterThanOrEqual(195);
      expect(ttftMs).toBeLessThan(400);
      expect(r.maxGapMs).toBeGreaterThanOrEqual(95); // the 100 ms pause before '!'
      expect(r.maxGapMs).toBeLessThan(300);
      expect(latencyMicros(r) / 1000).toBeGreaterThanOrEqual(ttftMs + 100); // chunks after the first, then the pause
    }
  });

  it.each<[string, Script]>([
    [
      'a stream that ends without [DONE]',
      async (res) => {
        res.write(chunk('a'));
        await sleep(10);
        res.end(chunk('b'));
      },
    ],
    [
      'a connection cut mid-stream',
      async (res) => {
        res.write(chunk('a') + chunk('b') + 'data: {"choi');
        await sleep(30);
        res.destroy();
      },
    ],
  ])('%s is stream_cut, with the content seen so far', async (_name, script) => {
    await streamServer(script);
    const records = await streamRun();
    for (const r of records) {
      expect(r).toMatchObject({ outcome: 'failed', failure: 'stream_cut', status: 200, chunks: 2 });
      expect(r.firstTokenMs).toBeGreaterThan(r.intendedMs);
    }
  });

  it.each<[string, string]>([
    [
      'an error data event',
      `data: ${JSON.stringify({ error: { message: 'upstream died', type: 'server_error' } })}\n\n`,
    ],
    ['an SSE error event', 'event: error\ndata: {"message":"overloaded"}\n\n'],
  ])('%s is stream_error even when [DONE] follows', async (_name, errorEvent) => {
    await streamServer(async (res) => {
      res.write(chunk('partial'));
      await sleep(10);
      res.end(`${errorEvent}data: [DONE]\n\n`);
    });
    const records = await streamRun();
    expect(records.every((r) => r.outcome === 'failed' && r.failure === 'stream_error' && r.chunks === 1)).toBe(true);
  });

  it('an unparseable chunk is bad_body', async () => {
    await streamServer(async (res) => {
      res.end(`${chunk('x')}data: {not json\n\ndata: [DONE]\n\n`);
    });
    const records = await streamRun();
    expect(records.every((r) => r.outcome === 'failed' && r.failure === 'bad_body')).toBe(true);
  });

  it('a timeout mid-stream stays a timeout', async () => {
    await streamServer(async (res) => {
      res.write(chunk('slow'));
    });
    const records: RequestRecord[] = [];
    await runOpenModel({
      baseUrl: server!.url,
      schedule: { kind: 'constant', rate: 10, durationMs: 100 },
      timeoutMs: 300,
      maxInFlight: 10,
      mix: { models: 'm', maxTokens: 8, streamRatio: 1, keys: [{ name: 'k', token: 'sk-test' }] },
      onRecord: (r) => records.push(r),
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'failed', failure: 'timeout', chunks: 1 });
  });
});
