/**
 * The scenario's fingerprint: shards must all run the same resolved scenario (after `extends`,
 * templates and --duration-scale), or their arrivals do not interleave into one schedule. The
 * file path and the seed are left out: shards on different machines keep the file in different
 * places, and the seed is compared on its own for a clearer message.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../schema/scenario.js';

export function scenarioHash(scenario: Scenario): string {
  const { file: _file, seed: _seed, ...rest } = scenario;
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so equal scenarios hash equally whatever order their fields were built in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
