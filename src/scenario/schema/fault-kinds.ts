/**
 * The fault kinds a scenario may name, one row each: where the fault is injected (`proxy`: the
 * provider's fault-plane proxy, as a Toxiproxy toxic or a disabled proxy; `mock`: the provider's
 * mock control API), the attributes it takes in human units, and their names and units on the wire.
 */
import type { FaultEffect } from '../../mock/fault-spec.js';
import { parseDurationMs } from '../../units.js';
import { keyTail } from '../fixture/provider-keys.js';
import { MAX_PROVIDER_KEYS } from './provider-schema.js';

/** A parsed attribute value, or why the input is not one. */
export type AttributeParse = { ok: true; value: number } | { ok: false; problem: string };
type AttributeParser = (value: unknown) => AttributeParse;

export interface AttributeDef {
  readonly parse: AttributeParser;
  /** Used when the scenario does not give the attribute; with neither this nor `optional` it is required. */
  readonly default?: number;
  /** May be left out, and is then left out on the wire too. */
  readonly optional?: true;
  /** Name on the wire: the Toxiproxy attribute or the mock control API field. */
  readonly wire: string;
  /** The value on the wire when it is not the number itself (a key's number -> its last characters). */
  readonly toWire?: (value: number) => string;
}

interface KindBase {
  readonly attributes: Readonly<Record<string, AttributeDef>>;
  /** A check across attributes; returns the attribute at fault and why. */
  readonly check?: (attributes: Readonly<Record<string, number>>) => { attribute: string; problem: string } | undefined;
}
export interface ProxyKind extends KindBase {
  readonly plane: 'proxy';
  /** Toxiproxy toxic type, or `down` (the proxy is disabled). */
  readonly toxic: string;
}
export interface MockKind extends KindBase {
  readonly plane: 'mock';
  readonly mock: FaultEffect['kind'];
}
/** A fault on one relay process of a fleet (`target.replicas`), not on a provider. */
export interface ReplicaKind extends KindBase {
  readonly plane: 'replica';
}
export type FaultKindDef = ProxyKind | MockKind | ReplicaKind;

const MAX_TIMER_MS = 2_147_483_647;

/** A duration converted to a whole number of `unitMs` units (Toxiproxy takes integers). */
function durationIn(unitMs: number, unitName: string, max = MAX_TIMER_MS): AttributeParser {
  return (value) => {
    const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
    if (ms === undefined) return { ok: false, problem: `expected a duration such as 250ms or 2s, got ${show(value)}` };
    const units = ms / unitMs;
    const whole = Math.round(units);
    if (Math.abs(units - whole) > 1e-6) return { ok: false, problem: `expected whole ${unitName}, got ${show(value)}` };
    if (whole > max) return { ok: false, problem: `expected at most ${max} ${unitName}, got ${show(value)}` };
    return { ok: true, value: whole };
  };
}

function integer(min: number, max: number): AttributeParser {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, problem: `expected an integer from ${min} to ${max}, got ${show(value)}` };
}

const BANDWIDTH = /^\s*(\d+(?:\.\d+)?)\s*(KB|MB)\/s\s*$/;
/** `64KB/s`, `1.5MB/s` -> KB/s as Toxiproxy counts them (1 KB = 1000 bytes). */
const kilobytesPerSecond: AttributeParser = (value) => {
  const match = typeof value === 'string' ? BANDWIDTH.exec(value) : null;
  const kb = match ? Number(match[1]) * (match[2] === 'MB' ? 1000 : 1) : NaN;
  if (!(Number.isInteger(kb) && kb >= 1))
    return {
      ok: false,
      problem: `expected a whole rate of at least 1KB/s such as 64KB/s or 2MB/s, got ${show(value)}`,
    };
  return { ok: true, value: kb };
};

const ms = durationIn(1, 'milliseconds');
const status = (fallback?: number): AttributeDef => ({
  parse: integer(400, 599),
  wire: 'status',
  ...(fallback === undefined ? {} : { default: fallback }),
});
const afterChunks = (fallback: number): AttributeDef => ({
  parse: integer(0, 1_000_000),
  wire: 'afterChunks',
  default: fallback,
});

function oneOf(allowed: readonly number[]): AttributeParser {
  return (value) =>
    typeof value === 'number' && allowed.includes(value)
      ? { ok: true, value }
      : { ok: false, problem: `expected one of ${allowed.join(', ')}, got ${show(value)}` };
}

/** A key of the provider's pool by number, from 1; the mock is told its last characters. */
const poolKey: AttributeDef = { parse: integer(1, MAX_PROVIDER_KEYS), wire: 'key', toWire: keyTail };

const KINDS = {
  latency: {
    plane: 'proxy',
    toxic: 'latency',
    attributes: { latency: { parse: ms, wire: 'latency' }, jitter: { parse: ms, wire: 'jitter', default: 0 } },
  },
  bandwidth: {
    plane: 'proxy',
    toxic: 'bandwidth',
    attributes: { bandwidth: { parse: kilobytesPerSecond, wire: 'rate' } },
  },
  slow_close: { plane: 'proxy', toxic: 'slow_close', attributes: { delay: { parse: ms, wire: 'delay' } } },
  /** Data is swallowed; the connection closes after `timeout` (0 = never). */
  blackhole: { plane: 'proxy', toxic: 'timeout', attributes: { timeout: { parse: ms, wire: 'timeout', default: 0 } } },
  /** From the first data in `stream` on, data is swallowed and `timeout` later the connection ends (see reset-peer.ts). */
  reset: { plane: 'proxy', toxic: 'reset_peer', attributes: { timeout: { parse: ms, wire: 'timeout', default: 0 } } },
  slicer: {
    plane: 'proxy',
    toxic: 'slicer',
    attributes: {
      average_size: { parse: integer(1, 1 << 30), wire: 'average_size' },
      size_variation: { parse: integer(0, 1 << 30), wire: 'size_variation', default: 0 },
      delay: { parse: durationIn(0.001, 'microseconds', MAX_TIMER_MS * 1000), wire: 'delay', default: 0 },
    },
    check: (a) =>
      (a.size_variation ?? 0) >= (a.average_size ?? 1)
        ? {
            attribute: 'size_variation',
            problem: `must be less than average_size (${a.average_size}), got ${a.size_variation}`,
          }
        : undefined,
  },
  limit_data: {
    plane: 'proxy',
    toxic: 'limit_data',
    attributes: { bytes: { parse: integer(0, Number.MAX_SAFE_INTEGER), wire: 'bytes' } },
  },
  /** The proxy is disabled: connections are refused. */
  down: { plane: 'proxy', toxic: 'down', attributes: {} },
  http_status: {
    plane: 'mock',
    mock: 'http_status',
    attributes: {
      status: status(),
      retry_after: { parse: durationIn(1000, 'seconds', 86_400), wire: 'retryAfter', optional: true },
    },
  },
  error_body: { plane: 'mock', mock: 'error_body', attributes: { status: status(500) } },
  stall: {
    plane: 'mock',
    mock: 'stall',
    attributes: { delay: { parse: durationIn(1, 'milliseconds', 600_000), wire: 'ms' } },
  },
  drip: {
    plane: 'mock',
    mock: 'drip',
    attributes: { per_token: { parse: durationIn(1, 'milliseconds', 600_000), wire: 'ms' } },
  },
  cut: { plane: 'mock', mock: 'cut', attributes: { after_chunks: afterChunks(2) } },
  malformed: { plane: 'mock', mock: 'malformed', attributes: { after_chunks: afterChunks(1) } },
  wrong_content_type: { plane: 'mock', mock: 'wrong_content_type', attributes: {} },
  /** After `after_chunks` events the stream goes silent for `duration`, then resumes (`close: 1`: the socket is destroyed). */
  stream_stall: {
    plane: 'mock',
    mock: 'stream_stall',
    attributes: {
      after_chunks: afterChunks(1),
      duration: { parse: durationIn(1, 'milliseconds', 600_000), wire: 'ms' },
      close: { parse: integer(0, 1), wire: 'close', default: 0 },
    },
  },
  /** A complete stream without its terminal event (`[DONE]`, `message_stop`), the connection held open `hold`. */
  no_done: {
    plane: 'mock',
    mock: 'no_done',
    attributes: { hold: { parse: durationIn(1, 'milliseconds', 600_000), wire: 'holdMs', default: 30_000 } },
  },
  /** The provider refuses the prompt as longer than the model's context window (in its dialect's shape). */
  context_length: { plane: 'mock', mock: 'context_length', attributes: {} },
  /** The provider refuses the request on content-policy grounds (Gemini: a 200 with a blocked prompt). */
  content_filter: { plane: 'mock', mock: 'content_filter', attributes: {} },
  /** The provider does not have the requested model (404, as when a model is retired). */
  model_not_found: { plane: 'mock', mock: 'model_not_found', attributes: {} },
  /** Key number `key` of the provider's pool (`keys: N`) is revoked or unpaid: 401, 402 or 403 to it only. */
  auth_error: {
    plane: 'mock',
    mock: 'auth_error',
    attributes: {
      key: poolKey,
      status: { parse: oneOf([401, 402, 403]), wire: 'status', default: 401 },
    },
  },
  /** Key number `key` of the provider's pool has run out of quota: 429 with Retry-After to it only. */
  key_rate_limit: {
    plane: 'mock',
    mock: 'key_rate_limit',
    attributes: {
      key: poolKey,
      retry_after: { parse: durationIn(1000, 'seconds', 86_400), wire: 'retryAfter', optional: true },
    },
  },
  /** SIGKILL one replica of the fleet at `at`; with `for`, a fresh one starts on its port after it. */
  kill_replica: { plane: 'replica', attributes: {} },
} satisfies Record<string, FaultKindDef>;

export type FaultKindName = keyof typeof KINDS;
export const FAULT_KINDS: Readonly<Record<FaultKindName, FaultKindDef>> = Object.freeze(KINDS);

/** Earlier names, still accepted: Toxiproxy's own toxic names. */
export const FAULT_KIND_ALIASES: Readonly<Record<string, FaultKindName>> = Object.freeze({
  reset_peer: 'reset',
  timeout: 'blackhole',
});

/** The attributes a kind takes, with the value's wire name: `{ latency: 500 }` -> `{ latency: 500 }`, `{ per_token: 80 }` -> `{ ms: 80 }`. */
export function wireAttributes(
  def: FaultKindDef,
  attributes: Readonly<Record<string, number>>,
): Record<string, number | string> {
  const wire: Record<string, number | string> = {};
  for (const [name, attribute] of Object.entries(def.attributes) as Array<[string, AttributeDef]>) {
    const value = attributes[name];
    if (value !== undefined) wire[attribute.wire] = attribute.toWire === undefined ? value : attribute.toWire(value);
  }
  return wire;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
}
