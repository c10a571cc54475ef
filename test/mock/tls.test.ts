/**
 * The mock provider over HTTPS: completions and the control API on one TLS port, verified against
 * a throwaway CA; bad certificate/key files are refused at start naming the option and file.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { loadProvidersConfig } from '../../src/mock/provider-config.js';
import { startMockProvider } from '../../src/mock/provider.js';
import { CLI, relaybench } from '../support/cli.js';
import { makeTestTls, type TestTls } from '../support/tls.js';

let tls: TestTls;
let trusting: Agent;
beforeAll(async () => {
  tls = await makeTestTls();
  trusting = new Agent({ connect: { ca: readFileSync(tls.caFile) } });
});
afterAll(async () => {
  await trusting.close();
  await tls.cleanup();
});

const chat = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 });

describe('mock provider over HTTPS', () => {
  it('serves completions and /_mock on one TLS port, verified for localhost', async () => {
    const mock = await startMockProvider({ name: 'secure', latencyMs: 1, tls });
    try {
      expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const url = mock.url.replace('127.0.0.1', 'localhost');
      const res = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chat,
        dispatcher: trusting,
      });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { object: string }).object).toBe('chat.completion');
      const stats = await request(`${url}/_mock/stats`, { dispatcher: trusting });
      expect(await stats.body.json()).toMatchObject({ name: 'secure', served: 1 });
      // Verification stays the client's: without the CA the handshake is refused.
      await expect(request(`${url}/_mock/stats`)).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    } finally {
      await mock.close();
    }
  });

  it.each([
    [{ certFile: '/nonexistent/cert.pem', keyFile: 'k' }, /tls\.certFile '\/nonexistent\/cert\.pem': cannot read/],
    [() => ({ certFile: tls.keyFile, keyFile: tls.keyFile }), /tls\.certFile '.*key\.pem': no PEM certificate/],
    [() => ({ certFile: tls.certFile, keyFile: tls.caFile }), /tls\.keyFile '.*ca\.pem': no PEM private key/],
    [() => ({ certFile: tls.caFile, keyFile: tls.keyFile }), /cannot serve TLS: .*key values mismatch/],
  ])('refuses bad TLS files (%#)', async (files, message) => {
    const options = { name: 'bad', tls: typeof files === 'function' ? files() : files };
    const start = startMockProvider(options);
    await expect(start).rejects.toBeInstanceOf(ConfigInvalidError);
    await expect(start).rejects.toThrow(message);
  });

  it('reads tls: { cert, key } from a providers file, relative to it', async () => {
    const dir = join(tls.dir, 'conf');
    await mkdir(join(dir, 'certs'), { recursive: true });
    await copyFile(tls.certFile, join(dir, 'certs', 'c.pem'));
    await copyFile(tls.keyFile, join(dir, 'certs', 'k.pem'));
    const file = join(dir, 'providers.yaml');
    await writeFile(file, 'tls: { cert: certs/c.pem, key: certs/k.pem }\nproviders:\n  - name: a\n  - name: b\n');
    const [a, b] = await loadProvidersConfig(file);
    expect(a?.tls).toEqual({ certFile: join(dir, 'certs', 'c.pem'), keyFile: join(dir, 'certs', 'k.pem') });
    expect(b?.tls).toEqual(a?.tls);

    await writeFile(file, 'providers:\n  - name: a\n    tls: { cert: certs/missing.pem, key: certs/k.pem }\n');
    await expect(loadProvidersConfig(file)).rejects.toThrow(
      /providers\.yaml:3:\d+: field 'providers\[0\]\.tls': tls\.cert '.*certs\/missing\.pem': cannot read/,
    );
  });
});

describe('relaybench mock --tls-cert --tls-key', () => {
  it('reports an https:// ready URL and answers over TLS', async () => {
    const child = spawn(process.execPath, [CLI, 'mock', '--tls-cert', tls.certFile, '--tls-key', tls.keyFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /listening on (https:\/\/\S+)/.exec(out);
          if (found?.[1] !== undefined) resolve(found[1]);
        });
        child.once('exit', (code) => reject(new Error(`mock exited ${code}: ${out}`)));
      });
      const res = await request(`${url.replace('127.0.0.1', 'localhost')}/v1/models`, { dispatcher: trusting });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it.each([
    [['--tls-cert', 'c.pem'], /--tls-cert needs --tls-key too/],
    [['--tls-key', 'k.pem'], /--tls-key needs --tls-cert too/],
    [['--tls-cert', '/nonexistent/c.pem', '--tls-key', 'k.pem'], /--tls-cert '\/nonexistent\/c\.pem': cannot read/],
    [['--config', 'p.yaml', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], /do not apply with --config/],
  ])('exits 104 for %j', async (args, message) => {
    const run = await relaybench(['mock', ...args]);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(message);
  });
});
