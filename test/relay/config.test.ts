import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { parseRelayConfig, relayConfigDefaults } from '../../src/relay/config.js';

const target = { name: 'primary', baseUrl: 'http://127.0.0.1:9000/v1' };

describe('parseRelayConfig', () => {
  it('fills defaults', () => {
    expect(parseRelayConfig({ targets: [target] })).toEqual({
      host: '127.0.0.1',
      port: 0,
      attemptTimeoutMs: 10_000,
      targets: [target],
    });
    expect(relayConfigDefaults).toEqual({ host: '127.0.0.1', port: 0, attemptTimeoutMs: 10_000 });
  });

  it('keeps given values and optional target fields', () => {
    const input = {
      host: '0.0.0.0',
      port: 8080,
      attemptTimeoutMs: 2500,
      targets: [{ ...target, model: 'gpt-4.1-mini', apiKeyEnv: 'OPENAI_API_KEY' }, { name: 'b', baseUrl: 'https://x.example/v1' }],
    };
    expect(parseRelayConfig(input)).toEqual(input);
  });

  it('never mutates its input', () => {
    const input = { targets: [{ ...target }] };
    const snapshot = structuredClone(input);
    parseRelayConfig(input);
    expect(input).toEqual(snapshot);
  });

  it.each([
    ['a missing targets list', {}, 'targets', 'nothing'],
    ['an empty targets list', { targets: [] }, 'targets', '[]'],
    ['a string port', { port: '80', targets: [target] }, 'port', '"80"'],
    ['a port out of range', { port: 70000, targets: [target] }, 'port', '70000'],
    ['a fractional port', { port: 1.5, targets: [target] }, 'port', '1.5'],
    ['a zero attempt timeout', { attemptTimeoutMs: 0, targets: [target] }, 'attemptTimeoutMs', '0'],
    ['an empty host', { host: '', targets: [target] }, 'host', '""'],
    ['a non-http baseUrl', { targets: [{ name: 'a', baseUrl: 'ftp://x/v1' }] }, 'targets[0].baseUrl', '"ftp://x/v1"'],
    ['a non-URL baseUrl', { targets: [{ name: 'a', baseUrl: 'localhost' }] }, 'targets[0].baseUrl', '"localhost"'],
    ['a name with spaces', { targets: [{ name: 'my target', baseUrl: target.baseUrl }] }, 'targets[0].name', '"my target"'],
    ['a bad env var name', { targets: [{ ...target, apiKeyEnv: 'my-key' }] }, 'targets[0].apiKeyEnv', '"my-key"'],
    ['an empty model', { targets: [{ ...target, model: '' }] }, 'targets[0].model', '""'],
    ['a duplicate name', { targets: [target, { ...target }] }, 'targets[1].name', '"primary"'],
    ['an unknown field (typo)', { attemptTimeout: 5, targets: [target] }, 'attemptTimeout', '5'],
    ['an unknown target field', { targets: [{ ...target, apiKey: 'sk' }] }, 'targets[0].apiKey', '"sk"'],
    ['a non-object target', { targets: [null] }, 'targets[0]', 'null'],
    ['a non-object config', 'yes', '(root)', '"yes"'],
  ])('rejects %s, naming the field and the value', (_name, input, path, shown) => {
    let thrown: unknown;
    try {
      parseRelayConfig(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigInvalidError);
    const error = thrown as ConfigInvalidError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`${path}: `);
    expect(error.message).toContain(`(got ${shown})`);
  });

  it('reports every problem at once', () => {
    expect(() => parseRelayConfig({ port: -1, targets: [{ name: 'a', baseUrl: 'nope' }] })).toThrow(
      /port: .*\(got -1\); targets\[0\]\.baseUrl: .*\(got "nope"\)/,
    );
  });
});
