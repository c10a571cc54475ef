/**
 * Checks across sections that only a fleet needs: a fault on the Redis link needs a fleet with
 * `state: redis`; `kill_replica` needs a builtin target and a replica that exists; `target.budgets`
 * names client keys of `load.mix.keys`; the load spreads over replicas in the open model only.
 */
import type { FaultSpec } from './fault-schema.js';
import type { LoadSpec } from './load-schema.js';
import type { TargetSpec } from './target-schema.js';

type Issue = (path: Array<string | number>, message: string) => void;

/** Reports every problem through `issue`, with the path of the field at fault. */
export function checkFleetScenario(
  scenario: { target: TargetSpec | undefined; load: LoadSpec | undefined; faults: readonly FaultSpec[] | undefined },
  issue: Issue,
): void {
  const { target, load, faults } = scenario;
  if (target === undefined) return;
  const replicas = target.replicas;
  (faults ?? []).forEach((fault, index) => {
    if (fault.link === 'redis' && (target.kind !== 'builtin' || target.state !== 'redis'))
      issue(
        ['faults', index, 'target'],
        `the Redis link exists only for a builtin target with state: redis (target is ${target.kind}, state ${target.state})`,
      );
    if (fault.replica === undefined) return;
    if (target.kind !== 'builtin')
      issue(['faults', index, 'type'], `kill_replica kills a replica of our relay; the target is ${target.kind}`);
    else if (fault.replica >= replicas)
      issue(
        ['faults', index, 'replica'],
        `no replica ${fault.replica}: the fleet has ${replicas} (indexes 0 to ${replicas - 1}; set target.replicas)`,
      );
  });
  // Zod runs this refinement even when a section failed to parse: read what may be missing with care.
  const keyNames = (load?.mix?.keys ?? []).map((key) => key.name);
  for (const name of Object.keys(target.budgets ?? {})) {
    if (!keyNames.includes(name))
      issue(
        ['target', 'budgets', name],
        keyNames.length === 0
          ? 'a budget is per client key: give load.mix.keys ([{ name, token }]) and name one here'
          : `unknown client key '${name}'; load.mix.keys: ${keyNames.join(', ')}`,
      );
  }
  if (replicas > 1 && load?.mode === 'closed')
    issue(
      ['target', 'replicas'],
      'the load spreads over replicas in the open model only (load.rate), not mode: closed',
    );
}
