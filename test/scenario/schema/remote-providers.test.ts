/**
 * Providers at any URL, a fault plane on another host, and the checks made before a run starts:
 * which hosts beyond this machine it reaches, and which environment variables it needs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor, RemoteNotAllowedError, ScenarioInvalidError } from '../../../src/errors.js';
import { advertisedHost } from '../../../src/scenario/schema/fault-plane-schema.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { checkReach, remoteHosts } from '../../../src/scenario/run/reach.js';
import { checkEnv, missingEnv } from '../../../src/scenario/run/required-env.js';

const LOAD = 'load: { rate: 5/s, duration: 2s }\n';

function errorOf(text: string, file = 'remote.yaml'): string {
  try {
    parseScenario(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-remote-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('provider kinds', () => {
  it('tells a started mock, a running mock and an upstream apart (api_key_env implies upstream)', () => {
    const scenario = parseScenario(
      `providers:
  - { name: started }
  - { name: running, url: 'http://127.0.0.9:8080' }
  - { name: real, url: 'https://api.openai.com/v1', api_key_env: OPENAI_API_KEY, proxy_port: 21001 }
  - { name: explicit, kind: upstream, url: 'https://api.deepseek.com' }
${LOAD}`,
      'kinds.yaml',
    );
    expect(scenario.providers.map((p) => [p.name, p.kind, p.url])).toEqual([
      ['started', 'mock', undefined],
      ['running', 'mock', 'http://127.0.0.9:8080'],
      ['real', 'upstream', 'https://api.openai.com/v1'],
      ['explicit', 'upstream', 'https://api.deepseek.com'],
    ]);
    expect(scenario.providers[2]).toMatchObject({ api_key_env: 'OPENAI_API_KEY', proxy_port: 21001 });
  });

  it('needs a url for an upstream and refuses a started mock’s settings on a provider at a url', () => {
    expect(errorOf(`providers: [{ name: real, kind: upstream }]\n${LOAD}`)).toMatch(
      /providers\[0\]\.url'.*an upstream provider needs 'url'/,
    );
    const message = errorOf(
      `providers: [{ name: real, url: 'https://api.openai.com/v1', api_key_env: K, latency: 20ms, rpm: 60 }]\n${LOAD}`,
    );
    expect(message).toMatch(/providers\[0\]\.latency'.*a setting of a mock the harness starts; an upstream provider/);
    expect(message).toMatch(/providers\[0\]\.rpm'/);
    expect(errorOf(`providers: [{ name: m, ca_file: ca.pem }]\n${LOAD}`)).toMatch(/ca_file'.*only with 'url'/);
    const withCredentials = errorOf(`providers: [{ name: m, url: 'https://user:sk-pass@api.x.com/v1' }]\n${LOAD}`);
    expect(withCredentials).toMatch(/url'.*credentials in a URL.*api_key_env/);
    expect(withCredentials).not.toContain('sk-pass');
    expect(errorOf(`providers: [{ name: m, url: 'ftp://x' }]\n${LOAD}`)).toMatch(/url'.*expected an http\(s\) URL/);
    expect(errorOf(`providers: [{ name: m, url: 'https://x', api_key_env: 'sk-123' }]\n${LOAD}`)).toMatch(
      /api_key_env'.*the NAME of an environment variable/,
    );
  });

  it('rejects an HTTP-level fault on an upstream, naming the fault, the provider and why', () => {
    const message = errorOf(
      `providers: [{ name: real, url: 'https://api.openai.com/v1', api_key_env: K }, { name: spare }]
${LOAD}faults:
  - { type: http_status, status: 503, provider: real, at: 0s, for: 1s }
  - { type: down, provider: real, at: 0s, for: 1s }
`,
    );
    expect(message).toContain("faults[0].type'");
    expect(message).toContain("'http_status' is an HTTP-level fault");
    expect(message).toContain("'real' is an upstream provider (a real API at https://api.openai.com/v1)");
    expect(message).toContain('only TCP-level faults apply');
    expect(message).not.toContain('faults[1]');
  });

  it('resolves ca_file next to the scenario file and checks it holds a certificate', async () => {
    const file = join(dir, 'tls.yaml');
    await writeFile(join(dir, 'not-a-cert.pem'), 'hello');
    const text = (ca: string): string =>
      `providers: [{ name: m, url: 'https://localhost:8443', ca_file: ${ca} }]\n${LOAD}`;
    expect(errorOf(text('missing.pem'), file)).toMatch(new RegExp(`ca_file'.*${join(dir, 'missing.pem')}.*ENOENT`));
    expect(errorOf(text('not-a-cert.pem'), file)).toMatch(/no PEM certificate in it/);
  });

  it('refuses a closed-model load on a direct target reached at its own url', () => {
    expect(
      errorOf(
        `providers: [{ name: m, url: 'http://127.0.0.9:1' }]\ntarget: { kind: direct }\nload: { mode: closed, connections: 2, duration: 2s }\n`,
      ),
    ).toMatch(/load\.mode'.*only the open model can do/);
  });

  it('lowercases an external target’s provider_header and accepts {{env.X}} placeholders at validation', () => {
    const scenario = parseScenario(
      `providers: [{ name: m }]
target: { kind: external, url: '{{env.RELAY_URL}}', provider_header: X-Gateway-Provider, headers: { authorization: 'Bearer {{env.RELAY_KEY}}' } }
${LOAD}`,
      'ext.yaml',
    );
    expect(scenario.target.provider_header).toBe('x-gateway-provider');
  });
});

describe('fault plane placement', () => {
  it('defaults to the loopback lab and advertises a wildcard listener as the API host', () => {
    const scenario = parseScenario(`providers: [{ name: m }]\n${LOAD}`, 'lab.yaml');
    expect(scenario.fault_plane).toEqual({ listen_host: '127.0.0.1' });
    expect(advertisedHost(scenario.fault_plane, 'http://127.0.0.1:8474')).toBe('127.0.0.1');
    expect(advertisedHost({ listen_host: '0.0.0.0' }, 'http://toxiproxy.staging:8474')).toBe('toxiproxy.staging');
    expect(advertisedHost({ listen_host: '::' }, 'http://[fd00::5]:8474')).toBe('fd00::5');
    expect(advertisedHost({ listen_host: '0.0.0.0', advertise_host: 'tp.internal' }, 'http://x:1')).toBe('tp.internal');
    expect(errorOf(`providers: [{ name: m }]\nfault_plane: { listen_host: 'http://x' }\n${LOAD}`)).toMatch(
      /fault_plane\.listen_host'.*no scheme, no port/,
    );
  });
});

describe('reach: traffic beyond this machine is an explicit choice', () => {
  const remote = parseScenario(
    `providers:
  - { name: real, url: 'https://api.openai.com/v1', api_key_env: OPENAI_API_KEY }
  - { name: stage, url: 'http://mock.staging.internal:8080' }
  - { name: local }
fault_plane: { listen_host: 0.0.0.0, advertise_host: toxiproxy.staging.internal }
${LOAD}variants:
  - name: gateway
    target: { kind: external, url: 'https://relay.example.com' }
`,
    'remote.yaml',
  );

  it('names every remote host: providers, the fault plane and its advertised address, variants’ targets', () => {
    expect(remoteHosts(remote, 'http://toxiproxy.staging.internal:8474')).toEqual([
      'api.openai.com',
      'mock.staging.internal',
      'relay.example.com',
      'toxiproxy.staging.internal',
    ]);
  });

  it('refuses without --allow-remote (exit 104, hosts named) and allows with it or allow_remote: true', () => {
    let error: unknown;
    try {
      checkReach(remote, { faultPlaneUrl: undefined });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RemoteNotAllowedError);
    expect(exitCodeFor(error)).toBe(EXIT.invalidInput);
    expect((error as Error).message).toContain('api.openai.com, mock.staging.internal, relay.example.com');
    expect((error as Error).message).toContain('--allow-remote');
    expect(checkReach(remote, { allowRemote: true })).toContain('api.openai.com');
    expect(checkReach({ ...remote, allow_remote: true }, {})).toHaveLength(4);
  });

  it('finds nothing remote in a lab on 127/8 and ::1', () => {
    const lab = parseScenario(
      `providers: [{ name: a }, { name: b, url: 'http://127.0.0.4:9000' }, { name: c, url: 'http://[::1]:9000' }]
fault_plane: { listen_host: 127.0.0.3 }
target: { kind: external, url: 'http://localhost:4000' }
${LOAD}`,
      'lab.yaml',
    );
    expect(remoteHosts(lab, 'http://127.0.0.2:8474')).toEqual([]);
    expect(checkReach(lab, {})).toEqual([]);
  });
});

describe('required environment variables', () => {
  const scenario = parseScenario(
    `providers:
  - { name: real, url: 'https://api.openai.com/v1', api_key_env: RB_TEST_OPENAI_KEY }
  - { name: unused, url: 'https://api.anthropic.com/v1', dialect: anthropic, api_key_env: RB_TEST_UNUSED_KEY }
target: { kind: direct, chain: [real] }
${LOAD}variants:
  - name: direct
    target: { kind: direct }
  - name: hosted
    target: { kind: external, url: '{{env.RB_TEST_RELAY_URL}}', headers: { authorization: 'Bearer {{env.RB_TEST_RELAY_KEY}}' } }
`,
    'env.yaml',
  );

  it('lists what is unset with where it is used, never values, and skips providers the target does not call', () => {
    expect(missingEnv(scenario, {})).toEqual([
      'RB_TEST_OPENAI_KEY (providers.real.api_key_env)',
      'RB_TEST_RELAY_URL (target.url)',
      'RB_TEST_RELAY_KEY (target.headers.authorization)',
    ]);
    const env = { RB_TEST_OPENAI_KEY: 'sk-secret-1', RB_TEST_RELAY_URL: 'https://r', RB_TEST_RELAY_KEY: 'sk-secret-2' };
    expect(missingEnv(scenario, env)).toEqual([]);
    expect(() => checkEnv(scenario, { RB_TEST_OPENAI_KEY: 'sk-secret-1' })).toThrow(
      /env\.yaml: environment variables not set: RB_TEST_RELAY_URL \(target\.url\), RB_TEST_RELAY_KEY/,
    );
  });
});
