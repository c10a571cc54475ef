/** Messages between `runOpenModelInWorkers` and its generator threads. */
import type { RequestRecord } from '../metrics/record.js';
import type { OpenModelOptions, OpenModelRun } from './open-model.js';

/** What a generator thread can be given: everything but callbacks, signals and iterables. */
export type WorkerLoadOptions = Omit<
  OpenModelOptions,
  'onRecord' | 'onStart' | 'signal' | 'partition' | 'originEpochMs' | 'schedule'
> & {
  schedule?: Exclude<OpenModelOptions['schedule'], Iterable<number>>;
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
