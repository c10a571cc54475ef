/**
 * Traffic beyond this machine is an explicit choice: `relaybench run` refuses a scenario that
 * would reach a remote host (exit 104, every host named) before it starts anything, and a run
 * that needs an API key from the environment says which variable is missing (never a value).
 * No test here sends a byte beyond loopback: every refusal happens before the first connection.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaybench } from '../support/cli.js';

const REAL = `name: real
providers:
  - { name: openai, url: 'https://api.openai.com/v1', api_key_env: RB_TEST_REAL_KEY }
  - { name: stage, url: 'http://mock.staging.internal:8080' }
target: { kind: builtin }
load: { rate: 1/s, duration: 2s }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-remote-cli-'));
  await writeFile(join(dir, 'real.yaml'), REAL);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('relaybench run and remote hosts', () => {
  it('exits 104 naming every remote host, starting nothing, without --allow-remote', async () => {
    const out = join(dir, 'out');
    const run = await relaybench(['run', join(dir, 'real.yaml'), '--out', out], {
      env: { RB_TEST_REAL_KEY: 'sk-test-value' },
    });
    expect(run.code).toBe(104);
    expect(run.stderr).toContain('api.openai.com, mock.staging.internal');
    expect(run.stderr).toContain('--allow-remote');
    expect(run.stderr).not.toContain('starting fault plane');
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('names a remote fault plane given by --fault-plane too', async () => {
    await writeFile(join(dir, 'lab.yaml'), `providers: [{ name: a }]\nload: { rate: 1/s, duration: 2s }\n`);
    const run = await relaybench(['run', join(dir, 'lab.yaml'), '--fault-plane', 'http://toxiproxy.staging:8474']);
    expect(run.code).toBe(104);
    expect(run.stderr).toContain('toxiproxy.staging');
  });

  it('exits 104 naming the missing key variable (and not a value) before it asks about hosts', async () => {
    const run = await relaybench(['run', join(dir, 'real.yaml'), '--allow-remote'], {
      env: { RB_TEST_REAL_KEY: '' },
    });
    expect(run.code).toBe(104);
    expect(run.stderr).toContain('environment variables not set: RB_TEST_REAL_KEY (providers.openai.api_key_env)');
  });
});
