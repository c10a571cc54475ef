/**
 * timeout: a black hole. Stops all data, then closes the connection after `timeout` ms; with 0 the
 * connection stays open until the toxic is removed, and removal closes it (as Toxiproxy's Cleanup does).
 * Held bytes can never be delivered (the connection closes), so they are dropped as they arrive,
 * which keeps memory bounded like Toxiproxy.
 */
import { integerAttribute, MAX_TIMER_MS } from './attributes.js';
import type { Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

export const timeoutToxic: ToxicDefinition = {
  type: 'timeout',
  defaults: Object.freeze({ timeout: 0 }),
  validate: (raw) => ({ timeout: integerAttribute(raw, 'timeout', { min: 0, max: MAX_TIMER_MS }) }),
  create: (ctx, attributes) => new TimeoutStage(ctx, attributes.timeout ?? 0),
};

class TimeoutStage implements ToxicStage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StageContext,
    timeout: number,
  ) {
    if (timeout > 0) this.timer = setTimeout(() => ctx.close(), timeout);
  }

  write(chunk: Chunk): void {
    this.ctx.discard(chunk.data.length);
  }

  end(): void {
    this.ctx.end();
  }

  interrupt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  remove(): void {
    this.interrupt();
    this.ctx.close();
  }
}
