/**
 * The acceptance net for reshaping: `relaybench report <result.json> --out dir` of every published
 * benchmark under reports/2026-11-22-compare/ re-renders its committed report.md byte for byte. A
 * change to the result format, the reader or the Markdown renderer that alters a published report
 * fails here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaybench } from '../support/cli.js';

const PUBLISHED = join(import.meta.dirname, '../../reports/2026-11-22-compare');

const folders = readdirSync(PUBLISHED, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => existsSync(join(PUBLISHED, name, 'result.json')) && existsSync(join(PUBLISHED, name, 'report.md')))
  .sort();

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'relaybench-published-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('published reports re-render byte for byte', () => {
  it('finds the published benchmarks', () => {
    expect(folders.length).toBeGreaterThanOrEqual(5);
  });

  it.each(folders)('%s: report --out writes the committed report.md', { timeout: 60_000 }, async (name) => {
    const dir = join(out, name);
    const run = await relaybench(['report', join(PUBLISHED, name, 'result.json'), '--out', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [written, committed] = await Promise.all([
      readFile(join(dir, 'report.md'), 'utf8'),
      readFile(join(PUBLISHED, name, 'report.md'), 'utf8'),
    ]);
    expect(written).toBe(committed);
  });
});
