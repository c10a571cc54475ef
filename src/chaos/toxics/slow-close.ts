/** slow_close: data flows normally, but the end of the stream (the FIN) is held back for `delay` ms. */
import { integerAttribute, MAX_TIMER_MS } from './attributes.js';
import type { Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

export const slowCloseToxic: ToxicDefinition = {
  type: 'slow_close',
  defaults: Object.freeze({ delay: 0 }),
  validate: (raw) => ({ delay: integerAttribute(raw, 'delay', { min: 0, max: MAX_TIMER_MS }) }),
  create: (ctx, attributes) => new SlowCloseStage(ctx, attributes.delay ?? 0),
};

class SlowCloseStage implements ToxicStage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StageContext,
    private readonly delay: number,
  ) {}

  write(chunk: Chunk): void {
    this.ctx.forward(chunk);
  }

  end(): void {
    this.timer = setTimeout(() => this.ctx.end(), this.delay);
  }

  interrupt(): void {
    // The link passes a pending end on by itself once the stage is interrupted.
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
