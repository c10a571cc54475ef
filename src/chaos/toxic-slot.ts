/**
 * One toxic on one link. Decides once, with its own seeded draw, whether the toxic acts on this
 * connection (toxicity), and owns the stage doing it; a stage's context is revoked when the stage
 * is stopped, so a late timer can never touch the chain.
 */
import { performance } from 'node:perf_hooks';
import { deriveSeed, seededRandom, type Random } from '../random.js';
import type { ActiveToxic, Chunk, StageContext, ToxicStage } from './toxics/types.js';

/** Anything a chain hands chunks to: the next slot, or the link's destination. */
export interface Receiver {
  write(chunk: Chunk): void;
  end(): void;
}

/** The link, as its slots see it. */
export interface SlotOwner {
  /** Seed of the connection; each toxic draws from its own stream derived from it. */
  readonly seed: number;
  /** Bytes a toxic dropped on purpose. */
  discarded(bytes: number): void;
  /** The toxic in `slot` closes the connection. */
  closeFrom(slot: Slot): void;
  resetConnection(): void;
}

/** One toxic on one link (see above). */
export class Slot implements Receiver {
  next: Receiver;
  private stage: ToxicStage | undefined;
  private revoke: (() => void) | undefined;
  private readonly random: Random;
  private readonly draw: number;
  private endReceived = false;
  private endSent = false;

  constructor(
    private readonly owner: SlotOwner,
    public toxic: ActiveToxic,
    next: Receiver,
    /** The toxic was there when the connection opened (not added to a live connection). */
    private readonly openedWithToxic: boolean,
  ) {
    this.next = next;
    this.random = seededRandom(deriveSeed(owner.seed, `${toxic.stream}:${toxic.name}`));
    this.draw = this.random();
    this.start();
  }

  write(chunk: Chunk): void {
    if (this.stage) this.stage.write(chunk);
    else this.next.write(chunk);
  }

  end(): void {
    if (this.endReceived) return;
    this.endReceived = true;
    if (this.stage) this.stage.end();
    else this.sendEnd();
  }

  sendEnd(): void {
    if (this.endSent) return;
    this.endSent = true;
    this.next.end();
  }

  update(toxic: ActiveToxic): void {
    const stage = this.stage;
    if (stage?.update && this.affects(toxic)) {
      this.toxic = toxic;
      stage.update(toxic.attributes);
      return;
    }
    this.stop(() => stage?.interrupt());
    this.toxic = toxic;
    this.start();
  }

  /** The toxic is being removed: the stage flushes (or, for timeout, closes the connection). */
  retire(): void {
    const stage = this.stage;
    this.stop(() => (stage?.remove ? stage.remove() : stage?.interrupt()));
  }

  /** The connection is gone: stop without delivering anything. */
  dispose(): void {
    const stage = this.stage;
    this.revoke?.();
    this.stage = undefined;
    this.revoke = undefined;
    stage?.interrupt();
  }

  private stop(halt: () => void): void {
    if (!this.stage) return;
    halt();
    this.revoke?.();
    this.stage = undefined;
    this.revoke = undefined;
    // The stage may have been holding the end of stream back (latency, slow_close): pass it on now.
    if (this.endReceived) this.sendEnd();
  }

  private affects(toxic: ActiveToxic): boolean {
    return this.draw < toxic.toxicity;
  }

  private start(): void {
    if (this.endReceived || !this.affects(this.toxic)) return;
    this.stage = this.toxic.definition.create(this.context(), this.toxic.attributes);
  }

  private context(): StageContext {
    let live = true;
    this.revoke = () => {
      live = false;
    };
    return {
      random: this.random,
      openedWithToxic: this.openedWithToxic,
      now: () => performance.now(),
      forward: (chunk) => {
        if (live) this.next.write(chunk);
      },
      end: () => {
        if (live) this.sendEnd();
      },
      discard: (bytes) => {
        if (live) this.owner.discarded(bytes);
      },
      close: () => {
        if (live) this.owner.closeFrom(this);
      },
      reset: () => {
        if (live) this.owner.resetConnection();
      },
    };
  }
}
