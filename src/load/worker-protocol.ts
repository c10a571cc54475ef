/** Messages between `runOpenModelInWorkers` and its generator threads. */
import type { RequestRecord } from '../metrics/record.js';
import type { OpenModelOptions, OpenModelRun } from './open-model.js';
import type { SharedSpendLimit } from './shared-spend-limit.js';

/** What a generator thread can be given: everything but callbacks, signals and iterables. */
export type WorkerLoadOptions = Omit<
  OpenModelOptions,
  'onRecord' | 'onStart' | 'signal' | 'partition' | 'originEpochMs' | 'schedule' | 'mayContinue'
> & {
  schedule?: Exclude<OpenModelOptions['schedule'], Iterable<number>>;
  /** A spend limit every thread enforces (the budget): instead of `mayContinue`, which cannot cross threads. */
  spendLimit?: SharedSpendLimit;
};

export interface WorkerData {
  options: WorkerLoadOptions;
  index: number;
  count: number;
}

export type WorkerControl = { type: 'start'; originEpochMs: number } | { type: 'stop' };

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'records'; records: RequestRecord[] }
  | { type: 'done'; run: OpenModelRun }
  | { type: 'failed'; message: string };
