/**
 * Prompt sets: the user messages a request mix draws from, so prompt sizes (and so input tokens
 * and cost) follow a realistic spread. Given inline as strings, or loaded from a JSON or YAML file
 * (fixtures/prompts/) holding either an array or `{ name?, description?, prompts: [...] }`, where
 * each prompt is a string or `{ name?, text, weight? }`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LoadOptionError } from './load-errors.js';
import type { Weighted } from './weighted.js';

export interface PromptEntry {
  readonly name?: string;
  readonly text: string;
  /** Relative weight in the draw; 1 when omitted. */
  readonly weight?: number;
}

export type PromptInput = string | PromptEntry;

/** Normalises inline prompts into weighted choices; throws LoadOptionError naming the bad entry. */
export function promptChoices(field: string, prompts: readonly PromptInput[]): Weighted<string>[] {
  if (!Array.isArray(prompts) || prompts.length === 0)
    throw new LoadOptionError(field, prompts, 'a non-empty list of prompts');
  return prompts.map((entry, i) => {
    if (typeof entry === 'string') {
      if (entry.length === 0) throw new LoadOptionError(`${field}[${i}]`, entry, 'a non-empty prompt');
      return { value: entry, weight: 1 };
    }
    if (typeof entry !== 'object' || entry === null || typeof entry.text !== 'string' || entry.text.length === 0) {
      throw new LoadOptionError(`${field}[${i}]`, entry, 'a string or { text, weight? } with non-empty text');
    }
    return { value: entry.text, weight: entry.weight ?? 1 };
  });
}

/** Reads a prompt-set file (.json, .yaml or .yml) and validates every entry. */
export async function loadPromptSet(file: string): Promise<PromptEntry[]> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml')
    throw new LoadOptionError('prompts', file, 'a .json, .yaml or .yml prompt-set file');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LoadOptionError('prompts', file, 'a readable prompt-set file', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new LoadOptionError(
      'prompts',
      file,
      `valid ${ext === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message})`,
      { cause: error },
    );
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { prompts?: unknown } | null)?.prompts;
  if (!Array.isArray(list))
    throw new LoadOptionError(`${file}: prompts`, list, 'an array of prompts (or { prompts: [...] })');
  const entries = list.map((p: unknown): PromptEntry => (typeof p === 'string' ? { text: p } : (p as PromptEntry)));
  promptChoices(`${file}: prompts`, entries); // validates
  return entries;
}
