/**
 * reset_peer: `timeout` ms after the toxic starts acting on a connection (0 = at once), resets both
 * sides with a TCP RST, so the client sees ECONNRESET. Data flows normally until then.
 *
 * Toxiproxy starts its timer on the first chunk and swallows data meanwhile; starting it when the
 * toxic attaches also resets idle pooled connections, which is what an outage drill wants.
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
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StageContext,
    timeout: number,
  ) {
    // For 0, a microtask: it runs after the connection has finished wiring itself up, yet before
    // any further I/O, so not a byte gets through (a 0 ms timer would let a fast echo slip by).
    if (timeout === 0) queueMicrotask(() => ctx.reset());
    else this.timer = setTimeout(() => ctx.reset(), timeout);
  }

  write(chunk: Chunk): void {
    this.ctx.forward(chunk);
  }

  end(): void {
    this.ctx.end();
  }

  interrupt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
