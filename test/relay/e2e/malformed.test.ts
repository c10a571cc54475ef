/**
 * Acceptance 12: malformed requests never crash the relay. Bad JSON, wrong types, non-object
 * bodies, oversized bodies (413), unknown models (404), invalid UTF-8, garbage HTTP and bodies cut
 * short each get their answer (or a closed socket), no upstream sees any of them, and a good
 * request afterwards succeeds.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, openaiJson, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const MAX_BODY = 64 * 1024;
const GOOD = chatBody('gpt');
const json = (value: unknown): string => JSON.stringify(value);
/** `levels` nested arrays as JSON text. */
const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** A good temperature-0 request with `field` set to the JSON text `value`. */
const withField = (field: string, value: string): string =>
  `${json({ ...GOOD, temperature: 0 }).slice(0, -1)},"${field}":${value}}`;

/** body, status, error code, param (the offending field, when there is one). */
const BAD: Array<[string, string | Buffer, number, string, string | null]> = [
  ['truncated JSON', '{"model":"gpt","messages":[', 400, 'invalid_json', null],
  ['an empty body', '', 400, 'invalid_json', null],
  ['not JSON at all', 'model=gpt&messages=hi', 400, 'invalid_json', null],
  ['a JSON string', '"hi"', 400, 'invalid_request', 'body'],
  ['a JSON array', '[{"model":"gpt"}]', 400, 'invalid_request', 'body'],
  ['null', 'null', 400, 'invalid_request', 'body'],
  ['a number', '42', 400, 'invalid_request', 'body'],
  ['deeply nested arrays', deep(5_000), 400, 'invalid_request', 'body'],
  // Valid JSON a relay keeps (unknown field, tool schema) but cannot re-serialise: 20 000 levels.
  ['an unknown field nested 20 000 levels deep', withField('metadata', deep(20_000)), 400, 'invalid_request', 'body'],
  [
    'a cacheable tool schema nested 20 000 levels deep',
    withField('tools', `[{"type":"function","function":{"name":"f","parameters":${deep(20_000)}}}]`),
    400,
    'invalid_request',
    'body',
  ],
  ['a numeric model', json({ ...GOOD, model: 42 }), 400, 'invalid_request', 'model'],
  ['messages as a string', json({ ...GOOD, messages: 'hello' }), 400, 'invalid_request', 'messages'],
  ['empty messages', json({ ...GOOD, messages: [] }), 400, 'invalid_request', 'messages'],
  ['a null message', json({ ...GOOD, messages: [null] }), 400, 'invalid_request', 'messages[0]'],
  [
    'an unknown role',
    json({ ...GOOD, messages: [{ role: 'wizard', content: 'x' }] }),
    400,
    'invalid_request',
    'messages[0].role',
  ],
  [
    'a numeric message name',
    json({ ...GOOD, messages: [{ role: 'user', content: 'x', name: 7 }] }),
    400,
    'invalid_request',
    'messages[0].name',
  ],
  [
    'tool parameters that are not an object',
    json({ ...GOOD, tools: [{ type: 'function', function: { name: 'f', parameters: 'none' } }] }),
    400,
    'invalid_request',
    'tools[0].function.parameters',
  ],
  ['a string temperature', json({ ...GOOD, temperature: 'hot' }), 400, 'invalid_request', 'temperature'],
  ['an out-of-range temperature', json({ ...GOOD, temperature: 5 }), 400, 'invalid_request', 'temperature'],
  ['a negative max_tokens', json({ ...GOOD, max_tokens: -1 }), 400, 'invalid_request', 'max_tokens'],
  ['a string stream flag', json({ ...GOOD, stream: 'yes' }), 400, 'invalid_request', 'stream'],
  [
    'invalid UTF-8 between tokens',
    Buffer.concat([Buffer.from('{"model":"gpt",'), Buffer.from([0xff, 0xfe]), Buffer.from('"messages":[]}')]),
    400,
    'invalid_json',
    null,
  ],
  ['a body over maxBodyBytes', json({ ...GOOD, padding: 'x'.repeat(MAX_BODY * 2) }), 413, 'request_too_large', null],
  ['an unknown model', json({ ...GOOD, model: 'no-such-model' }), 404, 'model_not_found', 'model'],
];

async function relayWithUpstream() {
  const upstream = await startUpstream(openaiJson('fine'));
  const relay = await startTestRelay({
    server: { maxBodyBytes: MAX_BODY },
    providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
    policies: { cache: { enabled: true } },
  });
  return { upstream, relay };
}

/** Writes raw bytes on a fresh connection; resolves with everything the relay sent before closing. */
function raw(url: string, bytes: string, closeAfterWrite = false): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      if (closeAfterWrite) setTimeout(() => socket.destroy(), 50);
    });
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => reject(new Error('the relay neither answered nor closed')));
  });
}

describe('malformed requests', () => {
  it('answers every bad request in OpenAI error shape, then serves a good one', async () => {
    const { upstream, relay } = await relayWithUpstream();

    for (const [name, body, status, code, param] of BAD) {
      const reply = await relay.chat(body);
      const error = reply.json().error as Record<string, unknown>;
      expect({ name, status: reply.status, code: error['code'], param: error['param'] }).toEqual({
        name,
        status,
        code,
        param,
      });
      expect(typeof error['message']).toBe('string');
      expect(reply.header('content-type')).toBe('application/json');
    }
    expect(upstream.count).toBe(0);

    expect((await relay.chat(GOOD)).status).toBe(200);
    expect(upstream.count).toBe(1);
  });

  it('answers them all at once too, without dropping the good requests among them', async () => {
    const { upstream, relay } = await relayWithUpstream();

    const replies = await Promise.all([
      ...BAD.map(([, body]) => relay.chat(body)),
      ...Array.from({ length: 5 }, () => relay.chat(GOOD)),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual([
      ...BAD.map(([, , status]) => status),
      200,
      200,
      200,
      200,
      200,
    ]);
    // Five identical cacheable requests at once may each reach the upstream, but no bad one does.
    expect(upstream.count).toBeLessThanOrEqual(5);
    expect(upstream.count).toBeGreaterThanOrEqual(1);
  });

  it('forwards only valid UTF-8: invalid bytes inside a string arrive as U+FFFD', async () => {
    const { upstream, relay } = await relayWithUpstream();
    const body = Buffer.concat([
      Buffer.from('{"model":"gpt","messages":[{"role":"user","content":"a'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('b"}]}'),
    ]);

    const reply = await relay.chat(body);
    expect(reply.status).toBe(200);
    const sent = upstream.requests[0]!.body;
    expect(JSON.parse(sent).messages[0].content).toBe('a\uFFFD(\uFFFDb');
  });

  it('survives garbage HTTP and a body cut short, then serves a good request', async () => {
    const { upstream, relay } = await relayWithUpstream();

    const garbage = await raw(relay.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toContain('"code":"bad_request"');

    const hugeHeader = await raw(
      relay.url,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431 /);

    // Promises 1000 bytes, sends 20, hangs up: the relay gives up on it without answering anyone else wrong.
    const cut = await raw(
      relay.url,
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"gpt","mes',
      true,
    );
    expect(cut).toBe('');

    expect((await relay.chat(GOOD)).status).toBe(200);
    expect((await relay.get('/health')).status).toBe(200);
    expect(upstream.count).toBe(1);
  });
});
