/**
 * limit_data: lets `bytes` bytes through on a connection, then closes it; the excess is dropped.
 * The count survives updates of the toxic, as Toxiproxy keeps it in per-connection state.
 */
import { integerAttribute } from './attributes.js';
import type { Attributes, Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

export const limitDataToxic: ToxicDefinition = {
  type: 'limit_data',
  defaults: Object.freeze({ bytes: 0 }),
  validate: (raw) => ({ bytes: integerAttribute(raw, 'bytes', { min: 0, max: Number.MAX_SAFE_INTEGER }) }),
  create: (ctx, attributes) => new LimitDataStage(ctx, attributes.bytes ?? 0),
};

class LimitDataStage implements ToxicStage {
  private transmitted = 0;

  constructor(
    private readonly ctx: StageContext,
    private limit: number,
  ) {}

  write(chunk: Chunk): void {
    const allowed = Math.max(0, this.limit - this.transmitted);
    const passed = Math.min(allowed, chunk.data.length);
    if (passed > 0) {
      this.ctx.forward(passed === chunk.data.length ? chunk : { data: chunk.data.subarray(0, passed), at: chunk.at });
      this.transmitted += passed;
    }
    if (passed < chunk.data.length) this.ctx.discard(chunk.data.length - passed);
    if (this.transmitted >= this.limit) this.ctx.close();
  }

  end(): void {
    this.ctx.end();
  }

  interrupt(): void {}

  update(attributes: Attributes): void {
    this.limit = attributes.bytes ?? this.limit;
  }
}
