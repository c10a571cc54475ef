/**
 * Seeded weighted choice: cumulative weights and a binary search, so a draw costs O(log n) and
 * one random number. Weights are validated once, at construction.
 */
import type { Random } from '../random.js';
import { LoadOptionError } from './load-errors.js';

export interface Weighted<T> {
  readonly value: T;
  /** Relative weight, > 0 (need not sum to 1). */
  readonly weight: number;
}

export type Picker<T> = () => T;

export function weightedPicker<T>(field: string, choices: readonly Weighted<T>[], random: Random): Picker<T> {
  if (choices.length === 0) throw new LoadOptionError(field, choices, 'at least one { value, weight } choice');
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  choices.forEach((choice, i) => {
    if (!(Number.isFinite(choice.weight) && choice.weight > 0)) {
      throw new LoadOptionError(`${field}[${i}].weight`, choice.weight, 'a finite weight > 0');
    }
    total += choice.weight;
    values.push(choice.value);
    cumulative.push(total);
  });
  const only = values[0] as T;
  if (values.length === 1) return () => only; // still no draw: a single choice needs no randomness
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] as T;
  };
}
