/** Every toxic type the server knows, by the name the API uses. */
import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';
import type { ToxicDefinition } from './types.js';

const TOXICS: ReadonlyMap<string, ToxicDefinition> = new Map(
  [latencyToxic, bandwidthToxic, slowCloseToxic, timeoutToxic, resetPeerToxic, slicerToxic, limitDataToxic].map(
    (toxic) => [toxic.type, toxic] as const,
  ),
);

/** The definition registered under `type`, or undefined for an unknown type. */
export function findToxic(type: string): ToxicDefinition | undefined {
  return TOXICS.get(type);
}

/** Registered type names, in a stable order. */
export function toxicTypes(): string[] {
  return [...TOXICS.keys()];
}
