/**
 * Front door: an upstream's 4xx body passed to the client never carries a credential. The stub
 * upstream echoes the key it was sent (as some providers do in "invalid key" messages) and other
 * key-shaped strings; the client sees `[REDACTED]` in their place, the rest of the message intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../../src/relay/front-door/redact.js';
import { chatBody, closeAll, onCleanup, startTestRelay, startUpstream, type Behaviour } from './support.js';

afterEach(closeAll);

const KEY_ENV = 'RELAYBENCH_REDACTION_TEST_KEY';
const PROVIDER_KEY = 'prov-9f8e7d6c5b4a39281706';

/** A 400 whose message quotes the request's own credential headers back. */
const echoCredentials: Behaviour = ({ req, res }) => {
  const sent = req.headers['authorization'] ?? req.headers['x-api-key'] ?? '';
  const body = JSON.stringify({
    error: {
      message: `invalid request; you sent ${String(sent)}, key ${PROVIDER_KEY} unknown, try sk-proj-AbCdEf0123456789 or AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv`,
      type: 'invalid_request_error',
      code: 'bad_request',
    },
  });
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

describe('credentials in upstream 4xx bodies', () => {
  it.each(['openai', 'anthropic'] as const)('are redacted before the %s body reaches the client', async (dialect) => {
    process.env[KEY_ENV] = PROVIDER_KEY;
    onCleanup(async () => void delete process.env[KEY_ENV]);
    const upstream = await startUpstream(echoCredentials);
    const relay = await startTestRelay({
      providers: [{ name: 'echo', dialect, baseUrl: `${upstream.origin}/v1`, apiKeyEnv: KEY_ENV }],
      models: { gpt: { chain: [{ provider: 'echo', model: 'm' }] } },
    });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(400);
    // The upstream did receive the key: the relay sent it, and the echo quoted it.
    expect(JSON.stringify(upstream.requests[0]!.headers)).toContain(PROVIDER_KEY);
    expect(reply.text).not.toContain(PROVIDER_KEY);
    expect(reply.text).not.toContain('sk-proj-AbCdEf0123456789');
    expect(reply.text).not.toContain('AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv');
    expect(reply.text).toContain(REDACTED);
    expect(reply.json().error).toMatchObject({ type: 'invalid_request_error' });
    expect(reply.json().error.message).toMatch(
      /^invalid request; you sent (Bearer )?\[REDACTED\], key \[REDACTED\] unknown/,
    );
  });
});

describe('createRedactor', () => {
  const redact = createRedactor(['known-secret-value-1', undefined, 'short']);
  it.each([
    ['a known key', 'key known-secret-value-1 rejected', `key ${REDACTED} rejected`],
    ['a bearer token', 'Authorization: Bearer abc.DEF_123-xyz', `Authorization: Bearer ${REDACTED}`],
    ['an sk- key', 'use sk-ant-api03-abcdefgh instead', `use ${REDACTED} instead`],
    ['a Google key', 'key=AIzaSyA1b2C3d4E5f6G7h8I9j0', `key=${REDACTED}`],
    [
      'nothing key-shaped',
      'model gpt-4o does not exist (task-1234567890)',
      'model gpt-4o does not exist (task-1234567890)',
    ],
    ['a short known key (ignored: too likely in ordinary text)', 'a short answer', 'a short answer'],
  ])('%s', (_what, text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});
