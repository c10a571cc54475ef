import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRelayLogger, type RequestLog } from '../../../src/relay/front-door/logger.js';

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const PROMPT = 'my secret prompt about acquisitions';
const record: RequestLog = {
  requestId: 'r1',
  client: 'team-a',
  model: 'gpt-4.1',
  stream: false,
  status: 200,
  target: 'openai/gpt-4.1',
  attempts: 2,
  latencyMs: 123.4,
  usage: { promptTokens: 10, completionTokens: 5 },
  costUsd: 0.0001,
  cache: 'miss',
  messages: [{ role: 'user', content: PROMPT }],
  completionText: 'the answer text',
};

describe('relay logger', () => {
  it('writes one JSON line per request, without prompt or completion text by default', () => {
    const out = sink();
    createRelayLogger({ level: 'info', logPrompts: false, destination: out.stream }).logRequest(record);
    const [line] = out.lines();
    expect(line).toMatchObject({
      msg: 'request',
      level: 30,
      service: 'relay',
      requestId: 'r1',
      client: 'team-a',
      status: 200,
      attempts: 2,
    });
    expect(line).not.toHaveProperty('messages');
    expect(out.text()).not.toContain(PROMPT);
    expect(out.text()).not.toContain('the answer text');
  });

  it('logs prompts only with logPrompts: true', () => {
    const out = sink();
    createRelayLogger({ level: 'info', logPrompts: true, destination: out.stream }).logRequest(record);
    expect(out.text()).toContain(PROMPT);
    expect(out.lines()[0]).toHaveProperty('completionText', 'the answer text');
  });

  it('omits prompts logged any other way too', () => {
    const out = sink();
    const { logger } = createRelayLogger({ level: 'info', logPrompts: false, destination: out.stream });
    logger.info({ request: { model: 'm', messages: [{ content: PROMPT }] } }, 'debugging');
    expect(out.text()).not.toContain(PROMPT);
    expect(out.lines()[0]).toMatchObject({ request: { model: 'm', messages: '[prompt omitted]' } });
  });

  it('redacts credentials in headers wherever they are nested', () => {
    const out = sink();
    const { logger } = createRelayLogger({ level: 'info', logPrompts: true, destination: out.stream });
    logger.info({
      headers: { authorization: 'Bearer sk-live-1', 'x-api-key': 'sk-ant-2', accept: 'json' },
      req: { headers: { authorization: 'Bearer sk-live-3', 'x-goog-api-key': 'AIza-4' } },
      upstream: { headers: { 'x-api-key': 'sk-ant-5' } },
    });
    const text = out.text();
    for (const secret of ['sk-live-1', 'sk-ant-2', 'sk-live-3', 'AIza-4', 'sk-ant-5'])
      expect(text).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({ headers: { authorization: '[Redacted]', accept: 'json' } });
  });

  it('logs 5xx answers at warn and honours the level', () => {
    const out = sink();
    const relay = createRelayLogger({ level: 'warn', logPrompts: false, destination: out.stream });
    relay.logRequest({ ...record, status: 200 });
    relay.logRequest({ ...record, status: 503 });
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 503 });
  });
});
