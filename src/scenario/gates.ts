/**
 * Compatibility path for test/bench/harness.ts, which imports the gate grammar from here: the
 * module now lives in gates/grammar.ts. Delete this file once the benchmarks import that.
 */
export { evaluateGate, parseGate } from './gates/grammar.js';
