/**
 * What `--target` names: `builtin` (our relay), a running gateway's URL, or a YAML file holding a
 * scenario's `target:` section (an external gateway the harness starts, as Portkey's in
 * fixtures/targets/portkey.yaml). Read and checked once, before any mode runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { ConfigInvalidError } from '../errors.js';
import { URL_TARGET_PROXY_PORTS } from './url-target-ports.js';

export type ScorecardTarget =
  | { kind: 'builtin'; label: string }
  | { kind: 'url'; label: string; url: string }
  | { kind: 'file'; label: string; file: string; target: Record<string, unknown> };

/** Parses the `--target` value; a bad one throws naming the flag, the value and what is allowed. */
export function parseScorecardTarget(value: string | undefined): ScorecardTarget {
  if (value === undefined || value === 'builtin') return { kind: 'builtin', label: 'relaybench relay (builtin)' };
  if (/^https?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw invalid(value, 'not a valid URL');
    }
    return { kind: 'url', label: value, url: value.replace(/\/+$/, '') };
  }
  if (!/\.ya?ml$/i.test(value)) throw invalid(value, 'expected builtin, an http(s) URL or a .yaml target file');
  const file = resolve(value);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(value, `cannot read it: ${(error as Error).message}`);
  }
  const parsed = parseYaml(text) as { target?: unknown } | null;
  const target = parsed?.target;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw invalid(value, "expected a YAML file with a 'target:' section (as in a scenario file)");
  }
  return { kind: 'file', label: value, file, target: target as Record<string, unknown> };
}

function invalid(value: string, why: string): ConfigInvalidError {
  return new ConfigInvalidError(`--target: ${JSON.stringify(value)}: ${why}`);
}

/**
 * A gateway at a URL must be running before the first mode: without this check a stopped gateway
 * would be judged `fail` on every mode (connections refused) instead of named as the problem.
 */
export async function checkTargetAnswers(target: ScorecardTarget): Promise<void> {
  if (target.kind !== 'url') return;
  try {
    const response = await request(target.url, { signal: AbortSignal.timeout(5000) });
    await response.body.dump();
  } catch (error) {
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    throw invalid(
      target.url,
      `nothing answers there (${cause}); start the gateway first, with its providers at 127.0.0.1:${URL_TARGET_PROXY_PORTS.primary} (primary) and 127.0.0.1:${URL_TARGET_PROXY_PORTS.fallback} (fallback)`,
    );
  }
}
