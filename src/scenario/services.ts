/**
 * Compatibility path for test/bench/relay-overhead.ts, which imports `startService` from here:
 * the module now lives in fixture/services.ts. Delete this file once the benchmarks import that.
 */
export { startService, type RunningService } from './fixture/services.js';
