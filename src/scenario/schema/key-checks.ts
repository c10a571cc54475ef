/**
 * Checks across sections for key pools: a per-key fault (`auth_error`, `key_rate_limit`) names a
 * key the provider's pool has; `key_selection` is set only where there is a pool to pick from; two
 * providers' made-up keys never share an environment variable (`open-ai` and `open_ai`).
 */
import type { FaultSpec } from './fault-schema.js';
import type { ProviderSpec } from './provider-schema.js';
import type { ChainMembers } from './target-schema.js';
import { mockKeysEnv } from '../fixture/provider-keys.js';

export type KeyIssue = (path: Array<string | number>, message: string) => void;

const PER_KEY_KINDS: ReadonlySet<string> = new Set(['auth_error', 'key_rate_limit']);

export function checkKeyPools(
  providers: readonly ProviderSpec[],
  chain: readonly string[] | undefined,
  members: ChainMembers | undefined,
  faults: readonly FaultSpec[],
  issue: KeyIssue,
): void {
  const byName = new Map(providers.map((p) => [p.name, p]));
  faults.forEach((fault, index) => {
    if (!PER_KEY_KINDS.has(fault.kind)) return;
    const key = fault.attributes['key']!;
    for (const name of fault.providers) {
      const keys = byName.get(name)?.keys;
      if (keys === undefined)
        issue(
          ['faults', index, 'key'],
          `'${fault.type}' hits one key of a pool the harness makes, but '${name}' has none (give it 'keys: N')`,
        );
      else if (key > keys)
        issue(['faults', index, 'key'], `'${name}' has ${keys} key(s), so key ${key} does not exist`);
    }
  });
  for (const [name, member] of Object.entries(members ?? {})) {
    const provider = byName.get(name);
    if (member.key_selection !== undefined && provider?.keys === undefined && provider?.api_key_envs === undefined)
      issue(
        ['target', 'chain', chain?.indexOf(name) ?? 0, 'key_selection'],
        `'${member.key_selection}' picks among keys, but '${name}' has no key pool (give it 'keys: N' or 'api_key_envs')`,
      );
  }
  const seen = new Map<string, string>();
  providers.forEach((p, index) => {
    if (p.keys === undefined) return;
    const env = mockKeysEnv(p);
    const other = seen.get(env);
    if (other !== undefined)
      issue(
        ['providers', index, 'name'],
        `'${p.name}' and '${other}' would share the key variables ${env}; rename one`,
      );
    seen.set(env, p.name);
  });
}
