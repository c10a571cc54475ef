/**
 * The ways an upstream event stream fails, shared by every dialect's translator: a chunk that is
 * not JSON, an early end, an in-band error event.
 */
import { classify, VERDICTS } from '../classify.js';
import type { DialectName, StreamFault } from '../contract.js';
import { upstreamErrorOf } from '../upstream-error.js';
import { translateError } from './openai-shape.js';

/** A stream event's JSON object, or undefined when its data is not one (answer {@link malformed}). */
export function parseChunk(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A chunk that is not JSON. */
export function malformed(data: string): StreamFault {
  return {
    verdict: VERDICTS.malformed,
    cut: 'malformed',
    message: `upstream sent a malformed stream chunk: ${data.slice(0, 80)}`,
  };
}

/** The upstream closed the stream before its final event. */
export function truncated(): StreamFault {
  return { verdict: VERDICTS.reset, cut: 'reset', message: 'upstream stream ended before its final event' };
}

/** An error event inside a 2xx stream; `payload` is its parsed data. */
export function inBandError(dialect: DialectName, payload: unknown): StreamFault {
  const info = upstreamErrorOf(payload);
  const message = `upstream stream error${info?.type === undefined ? '' : ` (${info.type})`}: ${info?.message ?? 'no message'}`;
  return {
    verdict: classify({ streamError: payload }),
    cut: 'in_band_error',
    message,
    body: translateError(dialect, undefined, undefined, payload),
    ...(info?.status === undefined ? {} : { status: info.status }),
  };
}
