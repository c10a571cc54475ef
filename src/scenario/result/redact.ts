/**
 * What result.json may keep of a scenario: everything but secrets. Header and environment values
 * of an external target and client key tokens can hold real credentials, so only their names are
 * written (a result is meant to be shared and committed).
 */
import type { Scenario } from '../schema/scenario.js';

type ScenarioPart = Pick<Scenario, 'target' | 'load'>;

export const REDACTED = '<redacted>';

export function redactSecrets<T extends ScenarioPart>(scenario: T): T {
  const { target, load } = scenario;
  const hide = (values: Record<string, string> | undefined): Record<string, string> | undefined =>
    values === undefined ? undefined : Object.fromEntries(Object.keys(values).map((name) => [name, REDACTED]));
  const keys = load.mix?.keys?.map((key) => ({ ...key, token: REDACTED }));
  return {
    ...scenario,
    target: {
      ...target,
      ...(target.headers ? { headers: hide(target.headers) } : {}),
      ...(target.env ? { env: hide(target.env) } : {}),
    },
    load: keys ? { ...load, mix: { ...load.mix, keys } } : load,
  };
}
