import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/mock/dialect.js';
import { parseFaultSpec } from '../../src/mock/fault-spec.js';
import { parseProvidersConfig } from '../../src/mock/provider-config.js';
import { ask, control, DIALECTS, start } from './helpers.js';

/** The key as each dialect's SDK sends it. */
function keyHeaders(dialect: DialectName, key: string): Record<string, string> {
  switch (dialect) {
    case 'openai':
      return { authorization: `Bearer ${key}` };
    case 'anthropic':
      return { 'x-api-key': key };
    case 'gemini':
      return { 'x-goog-api-key': key };
  }
}

const KEY_A = 'test-key-aaaa1111';
const KEY_B = 'test-key-bbbb2222';

describe.each(DIALECTS)('per-key faults and limits over the wire (%s)', (dialect) => {
  it('rate_limit_per_key: each key has its own bucket', async () => {
    const provider = await start({ name: `kl-${dialect}`, dialect, latencyMs: 0, rateLimitPerKey: { rpm: 3 } });
    const a = [];
    for (let i = 0; i < 4; i++) a.push((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_A))).status);
    expect(a).toEqual([200, 200, 200, 429]);
    // Key B is untouched by A's exhaustion.
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_B))).status).toBe(200);
    const stats = (await control(provider.url, 'GET', '/_mock/stats')).json;
    expect(Object.keys(stats.rateLimitPerKey).sort()).toEqual(['…1111', '…2222']);
    expect(JSON.stringify(stats)).not.toContain(KEY_A);
  });

  it('auth_error answers 401 to the named key only; key_rate_limit 429 with Retry-After', async () => {
    const provider = await start({ name: `ka-${dialect}`, dialect, latencyMs: 0 });
    expect((await control(provider.url, 'POST', '/_mock/faults', { kind: 'auth_error', key: '1111' })).status).toBe(
      201,
    );
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_A))).status).toBe(401);
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_B))).status).toBe(200);
    await control(provider.url, 'DELETE', '/_mock/faults');
    await control(provider.url, 'POST', '/_mock/faults', { kind: 'key_rate_limit', key: '2222', retryAfter: 7 });
    const limited = await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_B));
    expect(limited.status).toBe(429);
    if (dialect !== 'gemini') expect(limited.headers['retry-after']).toBe('7');
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, KEY_A))).status).toBe(200);
    const log = (await control(provider.url, 'GET', '/_mock/log')).json.entries as Array<{ keyTail?: string }>;
    expect(log.map((entry) => entry.keyTail)).toEqual(['1111', '2222', '2222', '1111']);
  });
});

describe('per-key fault validation', () => {
  it.each([
    [{ kind: 'auth_error' }, "field 'key'"],
    [{ kind: 'auth_error', key: 'ab' }, "field 'key'"],
    [{ kind: 'auth_error', key: 'abcd', status: 500 }, "field 'status': expected 401, 402 or 403, received 500"],
    [{ kind: 'key_rate_limit', key: 'abcd', retryAfter: -1 }, "field 'retryAfter'"],
    [{ kind: 'key_rate_limit', key: 'abcd', status: 429 }, "field 'status': not allowed"],
  ])('%j is refused naming the field', (body, problem) => {
    const parsed = parseFaultSpec(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problems.join('; ')).toContain(problem);
  });

  it('accepts 402 and 403 and defaults to 401', () => {
    expect(parseFaultSpec({ kind: 'auth_error', key: 'abcd' })).toMatchObject({
      ok: true,
      spec: { effect: { kind: 'auth_error', key: 'abcd', status: 401 } },
    });
    expect(parseFaultSpec({ kind: 'auth_error', key: 'abcd', status: 402 })).toMatchObject({ ok: true });
  });
});

describe('rate_limit_per_key in a providers file', () => {
  it('becomes rateLimitPerKey; a bad value names the field and line', () => {
    const text = 'providers:\n  - name: a\n    rate_limit_per_key: { rpm: 60 }\n';
    expect(parseProvidersConfig(text, 'p.yaml')[0]).toMatchObject({ rateLimitPerKey: { rpm: 60 } });
    expect(() => parseProvidersConfig(text.replace('60', '0'), 'p.yaml')).toThrow(
      /p\.yaml:3:\d+: field 'providers\[0\]\.rate_limit_per_key\.rpm'/,
    );
  });
});
