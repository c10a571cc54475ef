/**
 * `variants:`: one scenario file, several configurations run in turn with the same seed, load and
 * faults, compared in one table. Two forms:
 *
 * ```yaml
 * variants:                         # a matrix: every combination, in key order
 *   chain: [[primary], [primary, secondary]]      # shorthand for target.chain
 *   target: [{ kind: direct }, { kind: builtin }] # deep-merged onto the scenario's target
 * variants:                         # named overrides, deep-merged onto the scenario
 *   - name: single
 *     target: { chain: [primary] }
 *   - name: with-fallback
 *     chain: [primary, secondary]   # the same shorthand
 * ```
 *
 * A variant may change `target`, `chain`, `providers`, `faults` (a list replaces the scenario's)
 * and `load` (deep-merged); the seed stays the same. When variants differ in load or faults, the
 * report's method line says so per configuration. Each override comes with a provenance layer, so
 * a problem in a variant is reported where the variant wrote it.
 */
import type { IssuePath } from '../../yaml-errors.js';
import { isPlainMap, type Plain } from './deep-merge.js';
import { ownerOf, type Layer } from './provenance.js';

export interface VariantOverride {
  name: string;
  /** Deep-merged onto the scenario (without its `variants`). */
  override: Plain;
  layer: Layer;
}

/** Matrix keys and where each lands in the scenario. */
const MATRIX_PATHS: Readonly<Record<string, IssuePath>> = Object.freeze({
  chain: ['target', 'chain'],
  target: ['target'],
  providers: ['providers'],
  faults: ['faults'],
  load: ['load'],
});
/** What a named variant may set besides `name` and the `chain` shorthand. */
const OVERRIDABLE = new Set(['target', 'providers', 'faults', 'load']);
const MAX_VARIANTS = 64;

export type VariantProblem = (path: IssuePath, message: string) => void;

/** Expands `variants` (the raw value) into named overrides; problems are reported with paths under `variants`. */
export function expandVariants(value: unknown, layers: readonly Layer[], problem: VariantProblem): VariantOverride[] {
  if (value === undefined || value === null) return [];
  const home = ownerOf(layers, ['variants']);
  const at = (path: IssuePath): IssuePath | undefined => home.docPath(['variants', ...path]);
  const out = Array.isArray(value)
    ? fromList(value, home, at, problem)
    : isPlainMap(value)
      ? fromMatrix(value, home, at, problem)
      : undefined;
  if (out === undefined) {
    problem(['variants'], 'expected a matrix ({ chain: [...], target: [...] }) or a list of named overrides');
    return [];
  }
  if (out.length > MAX_VARIANTS) problem(['variants'], `${out.length} variants; at most ${MAX_VARIANTS}`);
  out.forEach((v, i) => {
    if (out.findIndex((o) => o.name === v.name) !== i)
      problem(Array.isArray(value) ? ['variants', i, 'name'] : ['variants'], `duplicate variant name '${v.name}'`);
  });
  return out;
}

function fromList(
  list: unknown[],
  home: Layer,
  at: (p: IssuePath) => IssuePath | undefined,
  problem: VariantProblem,
): VariantOverride[] {
  if (list.length === 0) problem(['variants'], 'an empty list; give at least one variant or omit variants');
  return list.flatMap((entry, i): VariantOverride[] => {
    if (!isPlainMap(entry)) {
      problem(['variants', i], 'expected { name, target?, chain?, providers?, faults?, load? }');
      return [];
    }
    const { name, chain, ...rest } = entry;
    for (const key of Object.keys(rest)) {
      if (!OVERRIDABLE.has(key))
        problem(
          ['variants', i, key],
          `a variant may set name, target, chain, providers, faults and load only (the seed stays the same so the rows compare)`,
        );
    }
    if (name !== undefined && (typeof name !== 'string' || !/^[^\n|]{1,80}$/.test(name)))
      problem(['variants', i, 'name'], 'expected a short single-line name without |');
    const override: Plain = { ...rest };
    if (chain !== undefined) override.target = { ...(isPlainMap(rest.target) ? rest.target : {}), chain };
    const layer: Layer = {
      source: home.source,
      docPath: (path) => {
        if (path[0] === 'name') return undefined;
        if (chain !== undefined && path[0] === 'target' && path[1] === 'chain')
          return at([i, 'chain', ...path.slice(2)]);
        return at([i, ...path]);
      },
      impliesMap: (path) => chain !== undefined && path.length === 1 && path[0] === 'target',
    };
    return [{ name: typeof name === 'string' ? name : `variant-${i + 1}`, override, layer }];
  });
}

function fromMatrix(
  matrix: Plain,
  home: Layer,
  at: (p: IssuePath) => IssuePath | undefined,
  problem: VariantProblem,
): VariantOverride[] {
  const keys = Object.keys(matrix);
  if (keys.length === 0) problem(['variants'], 'an empty matrix; give chain, target, providers, faults or load lists');
  for (const key of keys) {
    if (!(key in MATRIX_PATHS))
      problem(
        ['variants', key],
        `not a matrix dimension (allowed: ${Object.keys(MATRIX_PATHS).join(', ')}; the seed stays the same so the rows compare)`,
      );
    else if (!Array.isArray(matrix[key]) || (matrix[key] as unknown[]).length === 0)
      problem(['variants', key], 'expected a non-empty list of values, one per variant');
  }
  const dims = keys.filter((k) => k in MATRIX_PATHS && Array.isArray(matrix[k]) && (matrix[k] as unknown[]).length > 0);
  if (dims.length === 0) return [];
  let combos: number[][] = [[]];
  for (const key of dims) combos = combos.flatMap((c) => (matrix[key] as unknown[]).map((_, j) => [...c, j]));
  return combos.map((combo) => {
    let override: Plain = {};
    const labels: string[] = [];
    dims.forEach((key, d) => {
      const value = (matrix[key] as unknown[])[combo[d]!];
      labels.push(label(key, value, combo[d]!));
      const path = MATRIX_PATHS[key]!;
      override =
        key === 'chain'
          ? { ...override, target: { ...(isPlainMap(override.target) ? override.target : {}), chain: value } }
          : {
              ...override,
              [path[0] as string]:
                key === 'target' && isPlainMap(override.target) && isPlainMap(value)
                  ? { ...value, ...override.target }
                  : value,
            };
    });
    const layer: Layer = {
      source: home.source,
      docPath: (path) => {
        for (const [d, key] of dims.entries()) {
          const root = MATRIX_PATHS[key]!;
          if (root.every((seg, i) => path[i] === seg)) return at([key, combo[d]!, ...path.slice(root.length)]);
        }
        return undefined;
      },
      impliesMap: (path) =>
        dims.includes('chain') && !dims.includes('target') && path.length === 1 && path[0] === 'target',
    };
    return { name: labels.join(', '), override, layer };
  });
}

/** A chain entry's provider: the name, or `provider` of a `{ provider, priority, weight }` entry. */
function memberName(member: unknown): string {
  return isPlainMap(member) && typeof member.provider === 'string' ? member.provider : String(member);
}

/**
 * A row label: `primary → secondary` for a chain, `direct` for a target, `load 200/s`, the faults'
 * `type on provider`, `providers #2` otherwise.
 */
function label(key: string, value: unknown, index: number): string {
  if (key === 'chain' && Array.isArray(value)) return value.map(memberName).join(' → ');
  if (key === 'target' && isPlainMap(value)) {
    const chain = Array.isArray(value.chain) ? ` (${value.chain.map(memberName).join(' → ')})` : '';
    return `${typeof value.kind === 'string' ? value.kind : 'builtin'}${chain}`;
  }
  if (key === 'load' && isPlainMap(value) && value.rate !== undefined) return `load ${String(value.rate)}`;
  if (key === 'faults' && Array.isArray(value))
    return value.length === 0
      ? 'no faults'
      : value.map((f) => (isPlainMap(f) ? `${String(f.type)} on ${String(f.provider)}` : String(f))).join(' + ');
  return `${key} #${index + 1}`;
}
