/**
 * The chain engine's public face: its options and the factory. The engine runs one request over
 * a chain of targets, composing the policies:
 *
 *   order candidates (select.ts: priority groups, weights, P2C, slow-start; open breakers and
 *   cooling targets left out) -> one round (round.ts: attempt timeouts within the deadline,
 *   immediate failover, optional hedging) -> if every target failed, another round from the top
 *   after a jittered backoff, only while the retry budget allows -> answer (engine.ts).
 *
 * Breakers, cooldowns and latency stats are per target name and live as long as the engine, so
 * chains sharing a target share its health. Transitions are emitted on `engine.events`.
 */
import type { ChainEngine } from '../contract.js';
import { Engine } from './engine.js';
import type { ChainEngineOptions } from './options.js';

export type { ChainEngine, ChainResult, ChainRunOptions, TargetFailure } from '../contract.js';
export { chainEngineDefaults, type ChainEngineOptions } from './options.js';

/** @throws RangeError naming the option and value when an option is invalid. */
export function createChainEngine(options: Partial<ChainEngineOptions> = {}): ChainEngine {
  return new Engine(options);
}
