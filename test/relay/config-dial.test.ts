/**
 * A provider's `connectTo` and `caFile` in the relay config: parsed, resolved relative to the
 * config file, checked at load (naming provider and field), and carried onto the targets as a dial
 * whose pool key separates providers that share an origin.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { loadRelayConfig, parseRelayConfig, parseRelayConfigText } from '../../src/relay/config.js';
import { chainsOf, targetSpecs } from '../../src/relay/front-door/target-specs.js';
import { prepareTargets } from '../../src/relay/target.js';
import { makeTestTls, type TestTls } from '../support/tls.js';

let tls: TestTls;
beforeAll(async () => {
  tls = await makeTestTls();
});
afterAll(() => tls.cleanup());

/** Two providers on one origin, each with its own extra lines. */
const config = (a: string, b = ''): string => `providers:
  - name: a
    dialect: openai
    baseUrl: https://localhost:8443/v1
${a}  - name: b
    dialect: openai
    baseUrl: https://localhost:8443/v1
${b}models:
  m:
    chain:
      - { provider: a, model: x }
      - { provider: b, model: x }
`;

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('provider connectTo / caFile', () => {
  it('resolves a relative caFile against the config file and keeps connectTo', async () => {
    const dir = join(tls.dir, 'relay');
    await mkdir(join(dir, 'certs'), { recursive: true });
    await copyFile(tls.caFile, join(dir, 'certs', 'ca.pem'));
    const file = join(dir, 'relay.yaml');
    await writeFile(file, config('    connectTo: 127.0.0.1:26001\n    caFile: certs/ca.pem\n'));
    const loaded = await loadRelayConfig(file);
    expect(loaded.providers[0]).toMatchObject({ connectTo: '127.0.0.1:26001', caFile: join(dir, 'certs', 'ca.pem') });
    expect(loaded.providers[1]).toMatchObject({ connectTo: undefined, caFile: undefined });
  });

  it('takes a relative caFile from baseDir for objects and inline JSON', () => {
    const input = { providers: [{ name: 'a', dialect: 'openai', baseUrl: 'https://localhost/v1', caFile: 'ca.pem' }] };
    const models = { m: { chain: [{ provider: 'a', model: 'x' }] } };
    const parsed = parseRelayConfig({ ...input, models }, { baseDir: tls.dir });
    expect(parsed.providers[0]?.caFile).toBe(tls.caFile);
  });

  it('gives each way of reaching an origin its own pool key; plain targets dial plainly', () => {
    const parsed = parseRelayConfigText(
      config(
        `    connectTo: 127.0.0.1:26001\n    caFile: ${tls.caFile}\n`,
        `    connectTo: 127.0.0.1:26002\n    caFile: ${tls.caFile}\n`,
      ),
      'relay.yaml',
    );
    const [, chain] = [...chainsOf(parsed)][0]!;
    const [a, b] = prepareTargets(targetSpecs(parsed, chain));
    expect(a?.dial).toMatchObject({ connectTo: '127.0.0.1:26001', caFile: tls.caFile });
    expect(b?.dial?.connectTo).toBe('127.0.0.1:26002');
    expect(a?.dial?.key).not.toBe(b?.dial?.key);
    expect(a?.origin).toBe(b?.origin);

    const plain = parseRelayConfigText(config(''), 'relay.yaml');
    const [, plainChain] = [...chainsOf(plain)][0]!;
    expect(prepareTargets(targetSpecs(plain, plainChain)).map((t) => t.dial)).toEqual([undefined, undefined]);
  });

  it.each([
    ['no port', 'proxy.internal', "relay.yaml:5:16: field 'providers[0].connectTo': expected host:port"],
    ['no host', ':26001', "field 'providers[0].connectTo': expected host:port"],
    ['a port out of range', '127.0.0.1:70000', "field 'providers[0].connectTo': expected host:port"],
  ])('refuses a connectTo with %s', (_name, value, expected) => {
    expect(rejection(() => parseRelayConfigText(config(`    connectTo: "${value}"\n`), 'relay.yaml'))).toContain(
      expected,
    );
  });

  it('refuses a caFile that is missing, holds no certificate or a broken one, naming provider and field', async () => {
    const broken = join(tls.dir, 'broken.pem');
    await writeFile(broken, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    const cases: [string, RegExp][] = [
      [
        join(tls.dir, 'missing.pem'),
        /field 'providers\[1\]\.caFile': provider 'b': cannot read CA file '.*missing\.pem': ENOENT/,
      ],
      [tls.keyFile, /field 'providers\[1\]\.caFile': provider 'b': no PEM certificate in CA file '.*key\.pem'/],
      [broken, /field 'providers\[1\]\.caFile': provider 'b': CA file '.*broken\.pem' holds no valid certificate/],
    ];
    for (const [file, expected] of cases) {
      expect(rejection(() => parseRelayConfigText(config('', `    caFile: ${file}\n`), 'relay.yaml'))).toMatch(
        expected,
      );
    }
  });
});
