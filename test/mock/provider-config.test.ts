import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { loadProvidersConfig, parseProvidersConfig } from '../../src/mock/provider-config.js';
import { startMockProviders, type RunningMockGroup } from '../../src/mock/provider-group.js';
import { startMockProvider } from '../../src/mock/provider.js';
import { ask } from './helpers.js';

const groups: RunningMockGroup[] = [];
afterEach(async () => {
  await Promise.all(groups.splice(0).map((g) => g.close()));
});

const VALID = `seed: 7
providers:
  - name: openai
    rate_limit: { rpm: 100 }
  - name: claude
    dialect: anthropic
    model: claude-x
    latency: { ttft: { p50: 5, p99: 20 }, per_token: { mean: 1, sd: 0.5 } }
  - name: gem
    dialect: gemini
    latency_ms: 1
    seed: 3
`;

describe('providers file', () => {
  it('turns YAML into provider options', () => {
    expect(parseProvidersConfig(VALID, 'p.yaml')).toEqual([
      { name: 'openai', dialect: 'openai', host: '127.0.0.1', port: 0, rateLimit: { rpm: 100 }, seed: 7 },
      {
        name: 'claude',
        dialect: 'anthropic',
        host: '127.0.0.1',
        port: 0,
        model: 'claude-x',
        latency: { ttft: { p50: 5, p99: 20 }, perToken: { mean: 1, sd: 0.5 } },
        seed: 7,
      },
      { name: 'gem', dialect: 'gemini', host: '127.0.0.1', port: 0, latencyMs: 1, seed: 3 },
    ]);
  });

  it.each([
    ['providers:\n  - name: a\n    dialect: cohere\n', /p\.yaml:3:14: field 'providers\[0\]\.dialect'/],
    [
      'providers:\n  - name: a\n    latency: { ttft: { p50: 50, p99: 10 } }\n',
      /p\.yaml:3:\d+: field 'providers\[0\]\.latency\.ttft': p99 must be >= p50/,
    ],
    [
      'providers:\n  - name: a\n    rate_limit: { rpm: -5 }\n',
      /p\.yaml:3:\d+: field 'providers\[0\]\.rate_limit\.rpm'/,
    ],
    ['providers:\n  - name: a\n    colour: red\n', /p\.yaml:3:5: field 'providers\[0\]\.colour': unknown key/],
    [
      'providers:\n  - name: a\n  - name: a\n',
      /p\.yaml:3:11: field 'providers\[1\]\.name': duplicate provider name "a"/,
    ],
    [
      'providers:\n  - name: a\n    port: 9100\n  - name: b\n    port: 9100\n',
      /p\.yaml:5:11: field 'providers\[1\]\.port': port 9100/,
    ],
    [
      'providers:\n  - name: a\n    latency_ms: 5\n    latency: { ttft: 5 }\n',
      /p\.yaml:3:17: field 'providers\[0\]\.latency_ms': give latency or latency_ms/,
    ],
    ['providers: [\n', /p\.yaml:\d+:\d+: YAML:/],
    ['providers: []\n', /field 'providers'/],
  ])('reports %j with file:line', (text, message) => {
    let error: unknown;
    try {
      parseProvidersConfig(text, 'p.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as Error).message).toMatch(message);
  });

  it('starts every provider in a file, each speaking its dialect', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaybench-mock-'));
    try {
      await writeFile(join(dir, 'providers.yaml'), VALID);
      const group = await startMockProviders(await loadProvidersConfig(join(dir, 'providers.yaml')));
      groups.push(group);
      expect(group.providers.map((p) => p.dialect)).toEqual(['openai', 'anthropic', 'gemini']);
      for (const provider of group.providers) expect((await ask(provider, { maxTokens: 3 })).status).toBe(200);
      expect(group.url).toMatch(/^openai\(openai\)=http:\/\/127\.0\.0\.1:\d+ claude\(anthropic\)=/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(loadProvidersConfig('/nonexistent/providers.yaml')).rejects.toThrow(/cannot read/);
  });

  it('stops the providers that started when one cannot', async () => {
    const taken = await startMockProvider({ name: 'taken' });
    try {
      const port = Number(new URL(taken.url).port);
      await expect(startMockProviders([{ name: 'fine' }, { name: 'clash', port }])).rejects.toThrow(/could not listen/);
    } finally {
      await taken.close();
    }
  });
});

describe('provider options', () => {
  it.each([
    [{ name: 'x', dialect: 'cohere' }, /dialect: expected one of openai, anthropic, gemini, received "cohere"/],
    [{ name: 'x', latency: { ttft: { p50: 10, p99: 5 } } }, /latency\.ttft: p99 must be >= p50/],
    [{ name: 'x', latency: { ttfb: 5 } }, /unknown key 'ttfb'/],
    [{ name: 'x', rateLimit: { rpm: 0 } }, /rateLimit\.rpm: expected a number > 0, received 0/],
    [{ name: 'x', port: 70_000 }, /port: .*70000/],
  ])('rejects %j', async (options, message) => {
    await expect(startMockProvider(options as never)).rejects.toThrow(message);
  });
});
