import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadOptionError } from '../../src/load/load-errors.js';
import { loadPromptSet } from '../../src/load/prompt-set.js';
import {
  createRequestMix,
  requestBody,
  requestHeaders,
  type RequestMixSpec,
  type RequestPlan,
} from '../../src/load/request-mix.js';

const N = 20_000;
const draw = (spec: RequestMixSpec, seed = 1, n = N): RequestPlan[] => {
  const mix = createRequestMix(spec, seed);
  return Array.from({ length: n }, () => mix());
};
const share = <T>(plans: RequestPlan[], pick: (p: RequestPlan) => T, value: T): number =>
  plans.filter((p) => pick(p) === value).length / plans.length;

const SPEC: RequestMixSpec = {
  models: [
    { value: 'gpt-4.1-mini', weight: 3 },
    { value: 'claude-haiku', weight: 1 },
  ],
  prompts: ['short', { text: 'long '.repeat(50), weight: 3 }],
  streamRatio: 0.3,
  maxTokens: {
    kind: 'choices',
    choices: [
      { value: 16, weight: 1 },
      { value: 256, weight: 4 },
    ],
  },
  keys: [
    { name: 'team-a', token: 'sk-a', weight: 9 },
    { name: 'team-b', token: 'sk-b', weight: 1 },
  ],
};

describe('request mix', () => {
  it('honours every weight within 2 points', () => {
    const plans = draw(SPEC);
    expect(share(plans, (p) => p.model, 'gpt-4.1-mini')).toBeCloseTo(0.75, 1);
    expect(Math.abs(share(plans, (p) => p.model, 'gpt-4.1-mini') - 0.75)).toBeLessThan(0.02);
    expect(Math.abs(share(plans, (p) => p.prompt, 'short') - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(share(plans, (p) => p.stream, true) - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(share(plans, (p) => p.maxTokens, 256) - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(share(plans, (p) => p.key?.name, 'team-b') - 0.1)).toBeLessThan(0.02);
  });

  it('is reproducible from the seed, and dimensions draw independently', () => {
    expect(draw(SPEC, 42, 500)).toEqual(draw(SPEC, 42, 500));
    expect(draw(SPEC, 42, 500)).not.toEqual(draw(SPEC, 43, 500));
    const models = (spec: RequestMixSpec): string[] => draw(spec, 42, 500).map((p) => p.model);
    expect(models({ ...SPEC, streamRatio: 0.9 })).toEqual(models(SPEC));
  });

  it.each([
    [0, 0],
    [1, 1],
  ])('stream ratio %d gives a stream share of %d', (ratio, expected) => {
    expect(share(draw({ models: 'm', maxTokens: 8, streamRatio: ratio }, 1, 1000), (p) => p.stream, true)).toBe(
      expected,
    );
  });

  it('draws max_tokens uniformly over an inclusive range, and fixed values as given', () => {
    const values = draw({ models: 'm', maxTokens: { kind: 'uniform', min: 10, max: 13 } }).map((p) => p.maxTokens);
    expect(new Set(values)).toEqual(new Set([10, 11, 12, 13]));
    for (const v of [10, 11, 12, 13])
      expect(Math.abs(values.filter((x) => x === v).length / N - 0.25)).toBeLessThan(0.02);
    expect(
      new Set(draw({ models: 'm', maxTokens: { kind: 'fixed', value: 99 } }, 1, 100).map((p) => p.maxTokens)),
    ).toEqual(new Set([99]));
    expect(new Set(draw({ models: 'm', maxTokens: 7 }, 1, 100).map((p) => p.maxTokens))).toEqual(new Set([7]));
  });

  it('builds the body and headers a plan asks for', () => {
    const plan: RequestPlan = {
      model: 'm1',
      prompt: 'Hello',
      stream: true,
      maxTokens: 32,
      key: { name: 'k', token: 'sk-1' },
    };
    expect(JSON.parse(requestBody(plan, 'rb-7'))).toEqual({
      model: 'm1',
      max_tokens: 32,
      messages: [{ role: 'user', content: 'Hello [relaybench:rb-7]' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(requestHeaders(plan, 'rb-7')).toMatchObject({
      authorization: 'Bearer sk-1',
      'x-request-id': 'rb-7',
      'content-type': 'application/json',
    });
    const plain = { ...plan, stream: false, key: undefined };
    expect(JSON.parse(requestBody(plain, 'rb-8'))).not.toHaveProperty('stream');
    expect(requestHeaders(plain, 'rb-8')).not.toHaveProperty('authorization');
  });

  it.each<[string, Partial<RequestMixSpec>, string]>([
    ['no models', { models: [] }, 'models'],
    ['zero weight', { models: [{ value: 'm', weight: 0 }] }, 'models[0].weight'],
    ['stream ratio above 1', { streamRatio: 1.5 }, 'streamRatio'],
    ['inverted range', { maxTokens: { kind: 'uniform', min: 10, max: 5 } }, 'maxTokens.max'],
    ['fractional max_tokens', { maxTokens: 1.5 }, 'maxTokens'],
    ['empty prompt list', { prompts: [] }, 'prompts'],
    ['empty token', { keys: [{ name: 'k', token: '' }] }, 'keys[0].token'],
  ])('rejects %s, naming the field', (_name, patch, field) => {
    const make = (): unknown => createRequestMix({ models: 'm', maxTokens: 8, ...patch });
    expect(make).toThrowError(LoadOptionError);
    expect(make).toThrowError(`load option ${field}:`);
  });
});

describe('prompt sets', () => {
  it('loads the fixtures, and mixed.json spreads prompt sizes by weight', async () => {
    const short = await loadPromptSet('fixtures/prompts/short.json');
    expect(short.length).toBeGreaterThanOrEqual(5);
    const mixed = await loadPromptSet('fixtures/prompts/mixed.json');
    const lengths = mixed.map((p) => p.text.length);
    expect(Math.max(...lengths) / Math.min(...lengths)).toBeGreaterThan(20);
    const plans = draw({ models: 'm', maxTokens: 8, prompts: mixed });
    const longest = mixed.reduce((a, b) => (a.text.length >= b.text.length ? a : b));
    const weights = mixed.reduce((s, p) => s + (p.weight ?? 1), 0);
    expect(Math.abs(share(plans, (p) => p.prompt, longest.text) - (longest.weight ?? 1) / weights)).toBeLessThan(0.02);
  });

  it('loads YAML sets (bare arrays too) and rejects bad files with the field named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-prompts-'));
    await writeFile(join(dir, 'set.yaml'), 'prompts:\n  - Hi there\n  - text: A longer one\n    weight: 2\n');
    await writeFile(join(dir, 'bare.yml'), '- one\n- two\n');
    await writeFile(join(dir, 'bad.json'), '{"prompts": [{"weight": 2}]}');
    await writeFile(join(dir, 'broken.json'), '{"prompts": [');
    expect(await loadPromptSet(join(dir, 'set.yaml'))).toEqual([
      { text: 'Hi there' },
      { text: 'A longer one', weight: 2 },
    ]);
    expect(await loadPromptSet(join(dir, 'bare.yml'))).toEqual([{ text: 'one' }, { text: 'two' }]);
    await expect(loadPromptSet(join(dir, 'bad.json'))).rejects.toThrowError(/prompts\[0\]/);
    await expect(loadPromptSet(join(dir, 'broken.json'))).rejects.toThrowError(/valid JSON/);
    await expect(loadPromptSet(join(dir, 'missing.json'))).rejects.toThrowError(LoadOptionError);
    await expect(loadPromptSet(join(dir, 'set.txt'))).rejects.toThrowError(/\.json, \.yaml or \.yml/);
  });
});
