/**
 * `extends: base.yaml`: a scenario built on another. The base (path relative to the file that
 * names it) is deep-merged under the file (deep-merge.ts); bases may extend further bases; a
 * cycle is an error naming the chain. Returns the merged raw value and the layers, nearest file
 * first, so problems are reported in whichever file holds the bad field (provenance.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScenarioInvalidError } from '../../errors.js';
import { parseYamlSource, type YamlSource } from '../../yaml-errors.js';
import { deepMerge, isPlainMap } from './deep-merge.js';
import { describeAtLayers, fileLayer, type Layer } from './provenance.js';

export interface ExtendedSource {
  /** The merged document, `extends` removed. */
  raw: Record<string, unknown>;
  /** The file first, then its base, its base's base... */
  layers: Layer[];
  /** Base files, nearest first. */
  bases: string[];
}

const MAX_DEPTH = 32;

/** Parses `text` (from `file`) and merges every base under it. @throws ScenarioInvalidError */
export function resolveExtends(text: string, file: string): ExtendedSource {
  const sources: YamlSource[] = [];
  const values: Record<string, unknown>[] = [];
  const seen: string[] = [];
  let currentText = text;
  let currentFile = file;
  for (;;) {
    const parsed = parseYamlSource(currentText, currentFile);
    if (!parsed.ok) throw new ScenarioInvalidError(parsed.errors.join('\n'));
    const here = fileLayer(parsed.source);
    if (!isPlainMap(parsed.value)) {
      throw new ScenarioInvalidError(
        `invalid scenario ${file}\n${describeAtLayers([here], [], 'expected a map of scenario fields')}`,
      );
    }
    sources.push(parsed.source);
    values.push(parsed.value);
    seen.push(resolve(currentFile));
    const base = parsed.value.extends;
    if (base === undefined) break;
    const where = (message: string): ScenarioInvalidError =>
      new ScenarioInvalidError(`invalid scenario ${file}\n${describeAtLayers([here], ['extends'], message)}`);
    if (typeof base !== 'string' || base === '')
      throw where(`expected a file name such as base.yaml, got ${JSON.stringify(base)}`);
    const baseFile = resolve(dirname(currentFile), base);
    if (seen.includes(baseFile)) throw where(`extends cycle: ${[...seen, baseFile].join(' -> ')}`);
    if (seen.length >= MAX_DEPTH) throw where(`more than ${MAX_DEPTH} levels of extends`);
    try {
      currentText = readFileSync(baseFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw where(`base scenario not found: ${baseFile}`);
      throw where(`cannot read ${baseFile}: ${(error as Error).message}`);
    }
    currentFile = displayPath(file, baseFile);
  }
  let raw: unknown = {};
  for (const value of [...values].reverse()) raw = deepMerge(raw, value);
  const { extends: _extends, ...merged } = raw as Record<string, unknown>;
  return { raw: merged, layers: sources.map(fileLayer), bases: sources.slice(1).map((s) => s.file) };
}

/** A base is named relative to the working directory when the scenario was, absolute otherwise. */
function displayPath(rootFile: string, baseFile: string): string {
  const cwd = process.cwd();
  return rootFile.startsWith('/') || !baseFile.startsWith(`${cwd}/`) ? baseFile : baseFile.slice(cwd.length + 1);
}
