/**
 * The faults active on one mock provider, switched at runtime. Windows expire lazily (checked per
 * request, no timers); each active fault draws once per request from the provider's seeded fault
 * stream, so `rate: 0.5` hits a reproducible half of the requests.
 */
import type { Random } from '../random.js';
import type { FaultEffect, FaultKind, FaultSpec } from './fault-spec.js';

export interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number | undefined;
  hits: number;
}

/** Faults that replace the answer entirely. */
export type ReplyEffect = Extract<
  FaultEffect,
  {
    kind:
      | 'http_status'
      | 'error_body'
      | 'wrong_content_type'
      | 'context_length'
      | 'content_filter'
      | 'model_not_found'
      | 'prefill_unsupported';
  }
>;
export type StreamStallEffect = Extract<FaultEffect, { kind: 'stream_stall' }>;

/** What happens to one request; the fields combine (a stall and a cut can hit the same stream). */
export interface FaultDecision {
  readonly reply: ReplyEffect | undefined;
  readonly stallMs: number;
  readonly dripMs: number | undefined;
  readonly cutAfter: number | undefined;
  readonly malformedAfter: number | undefined;
  readonly streamStall: StreamStallEffect | undefined;
  /** Leave out the stream's terminal event and hold the connection this long. */
  readonly noDoneHoldMs: number | undefined;
  readonly kinds: readonly FaultKind[];
}

export const NO_FAULT: FaultDecision = Object.freeze({
  reply: undefined,
  stallMs: 0,
  dripMs: undefined,
  cutAfter: undefined,
  malformedAfter: undefined,
  streamStall: undefined,
  noDoneHoldMs: undefined,
  kinds: Object.freeze([]) as readonly FaultKind[],
});

export class FaultTable {
  private readonly faults = new Map<string, ActiveFault>();
  private nextId = 1;

  constructor(
    private readonly random: Random,
    private readonly now: () => number = Date.now,
  ) {}

  add(spec: FaultSpec): ActiveFault {
    const createdAt = this.now();
    const fault: ActiveFault = {
      id: `fault-${this.nextId++}`,
      spec,
      createdAt,
      expiresAt: spec.forMs === undefined ? undefined : createdAt + spec.forMs,
      hits: 0,
    };
    this.faults.set(fault.id, fault);
    return fault;
  }

  remove(id: string): boolean {
    return this.faults.delete(id);
  }

  clear(): number {
    const count = this.faults.size;
    this.faults.clear();
    return count;
  }

  /** Faults still in their window, oldest first. */
  list(): ActiveFault[] {
    this.expire(this.now());
    return [...this.faults.values()];
  }

  /**
   * Draws this request's faults. The first reply fault to hit wins; stream effects combine.
   * `credential` is the request's API key: per-key faults hit only the key they name.
   * `prefill`: the request continues an assistant turn (only such requests meet `prefill_unsupported`).
   */
  decide(credential = '', prefill = false): FaultDecision {
    if (this.faults.size === 0) return NO_FAULT;
    this.expire(this.now());
    let reply: ReplyEffect | undefined;
    let stallMs = 0;
    let dripMs: number | undefined;
    let cutAfter: number | undefined;
    let malformedAfter: number | undefined;
    let streamStall: StreamStallEffect | undefined;
    let noDoneHoldMs: number | undefined;
    const kinds: FaultKind[] = [];
    for (const fault of this.faults.values()) {
      // Every fault draws, hit or not, so one fault's rate does not shift another's draws.
      if (this.random() >= fault.spec.rate) continue;
      const effect = fault.spec.effect;
      switch (effect.kind) {
        case 'http_status':
        case 'error_body':
        case 'wrong_content_type':
        case 'context_length':
        case 'content_filter':
        case 'model_not_found':
          if (reply !== undefined) continue;
          reply = effect;
          break;
        case 'stall':
          stallMs += effect.ms;
          break;
        case 'drip':
          dripMs = Math.max(dripMs ?? 0, effect.ms);
          break;
        case 'cut':
          cutAfter = Math.min(cutAfter ?? Infinity, effect.afterChunks);
          break;
        case 'malformed':
          malformedAfter ??= effect.afterChunks;
          break;
        case 'stream_stall':
          streamStall ??= effect;
          break;
        case 'no_done':
          noDoneHoldMs = Math.max(noDoneHoldMs ?? 0, effect.holdMs);
          break;
        case 'auth_error':
        case 'key_rate_limit':
          if (reply !== undefined || !credential.endsWith(effect.key)) continue;
          reply = keyReply(effect);
          break;
        case 'prefill_unsupported':
          if (reply !== undefined || !prefill) continue;
          reply = effect;
          break;
        default: {
          const unreachable: never = effect;
          return unreachable;
        }
      }
      fault.hits++;
      kinds.push(effect.kind);
    }
    return kinds.length === 0
      ? NO_FAULT
      : { reply, stallMs, dripMs, cutAfter, malformedAfter, streamStall, noDoneHoldMs, kinds };
  }

  private expire(now: number): void {
    for (const [id, fault] of this.faults)
      if (fault.expiresAt !== undefined && now >= fault.expiresAt) this.faults.delete(id);
  }
}

/** A per-key fault answers as the plain status fault would. */
function keyReply(effect: Extract<FaultEffect, { kind: 'auth_error' | 'key_rate_limit' }>): ReplyEffect {
  if (effect.kind === 'auth_error') return { kind: 'http_status', status: effect.status };
  return effect.retryAfter === undefined
    ? { kind: 'http_status', status: 429 }
    : { kind: 'http_status', status: 429, retryAfter: effect.retryAfter };
}

/** The JSON shape of a fault in the control API: the request's fields plus id, window and hits. */
export function faultJson(fault: ActiveFault): Record<string, unknown> {
  const { effect, rate, forMs } = fault.spec;
  return {
    id: fault.id,
    ...effect,
    rate,
    ...(forMs === undefined ? {} : { for: forMs }),
    createdAt: new Date(fault.createdAt).toISOString(),
    expiresAt: fault.expiresAt === undefined ? null : new Date(fault.expiresAt).toISOString(),
    hits: fault.hits,
  };
}
