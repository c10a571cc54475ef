/**
 * A FIFO of chunks, each released to the next stage at its due time (`chunk.at`). One timer per
 * queue, armed for the head only, so a burst of chunks costs one timer, not one each.
 */
import type { Chunk, StageContext } from './types.js';

/** Timers fire on libuv's millisecond clock, which can run up to 1 ms behind `performance.now()`. */
const TIMER_SLACK_MS = 1;

export class DelayQueue {
  // Array plus head index: O(1) shift without a ring buffer's bookkeeping.
  private items: Chunk[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private ending = false;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: StageContext) {}

  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  /** Queues a chunk due at `chunk.at`; it never overtakes the one queued before it (due times stay monotonic). */
  push(chunk: Chunk): void {
    const at = Math.max(chunk.at, this.last);
    this.last = at;
    this.items.push(at === chunk.at ? chunk : { data: chunk.data, at });
    if (this.timer === undefined) this.arm();
  }

  /** Ends the stream once every queued chunk has been released. */
  end(): void {
    this.ending = true;
    if (this.isEmpty) this.ctx.end();
  }

  /** Releases everything now, in order, and stops the timer (interrupted toxics never drop data). */
  flush(): void {
    this.disarm();
    while (!this.isEmpty) this.ctx.forward(this.shift());
  }

  /** Stops the timer without releasing anything (the connection is gone). */
  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const next = this.items[this.head];
    if (next === undefined) return;
    this.timer = setTimeout(this.release, Math.max(0, Math.ceil(next.at - this.ctx.now())));
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = this.ctx.now() + TIMER_SLACK_MS;
    while (!this.isEmpty && this.peekDue() <= now) this.ctx.forward(this.shift());
    if (!this.isEmpty) this.arm();
    else if (this.ending) this.ctx.end();
  };

  private peekDue(): number {
    return this.items[this.head]?.at ?? Number.POSITIVE_INFINITY;
  }

  private shift(): Chunk {
    const chunk = this.items[this.head++] as Chunk;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return chunk;
  }
}
