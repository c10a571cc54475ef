/**
 * reset_peer, as Toxiproxy 2.12 does it: nothing happens until the first data (or end of stream)
 * arrives in the toxic's direction; that data and everything after it is swallowed, and `timeout`
 * ms later (0 = at once) the connection ends. A connection opened while the toxic was installed is
 * reset on both sides with a TCP RST (Toxiproxy sets SO_LINGER 0 on a connection's sockets when it
 * opens with a reset_peer toxic in its chain); one that was already open when the toxic was added
 * is closed with a FIN, because Toxiproxy never changes the linger of a live connection.
 * Idle connections are left alone until they are used.
 */
import { integerAttribute, MAX_TIMER_MS } from './attributes.js';
import type { Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

export const resetPeerToxic: ToxicDefinition = {
  type: 'reset_peer',
  defaults: Object.freeze({ timeout: 0 }),
  validate: (raw) => ({ timeout: integerAttribute(raw, 'timeout', { min: 0, max: MAX_TIMER_MS }) }),
  create: (ctx, attributes) => new ResetPeerStage(ctx, attributes.timeout ?? 0),
};

class ResetPeerStage implements ToxicStage {
  private triggered = false;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StageContext,
    private readonly timeout: number,
  ) {}

  write(chunk: Chunk): void {
    this.ctx.discard(chunk.data.length);
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  interrupt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Bytes are already swallowed: the stream cannot go on, so end it now instead of at the timeout
    // (Toxiproxy's removal waits for the timeout, then ends it all the same).
    if (this.triggered) this.finish();
  }

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    // For 0, a microtask: after the link has finished handling this chunk, before any further I/O.
    if (this.timeout === 0) queueMicrotask(() => this.finish());
    else this.timer = setTimeout(() => this.finish(), this.timeout);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.ctx.openedWithToxic) this.ctx.reset();
    else this.ctx.close();
  }
}
