/**
 * bandwidth: limits a direction to `rate` KB/s (KB = 1000 bytes, as in Toxiproxy). Each chunk is
 * released when a link of that rate would have finished sending it; chunks larger than 100 ms worth
 * of data go out in 100 ms slices, so a slow link trickles instead of stalling then bursting.
 */
import { DelayQueue } from './delay-queue.js';
import { integerAttribute } from './attributes.js';
import type { Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

const SLICE_MS = 100;

export const bandwidthToxic: ToxicDefinition = {
  type: 'bandwidth',
  defaults: Object.freeze({ rate: 0 }),
  // rate 0 would make Toxiproxy spin forever on empty slices; here it is simply refused.
  validate: (raw) => ({ rate: integerAttribute(raw, 'rate', { min: 1, max: 1_000_000_000 }) }),
  create: (ctx, attributes) => new BandwidthStage(ctx, attributes.rate ?? 1),
};

class BandwidthStage implements ToxicStage {
  private readonly queue: DelayQueue;
  /** When the simulated link finishes sending what it has been given so far. */
  private busyUntil = Number.NEGATIVE_INFINITY;

  constructor(
    ctx: StageContext,
    private readonly bytesPerMs: number,
  ) {
    this.queue = new DelayQueue(ctx);
  }

  write(chunk: Chunk): void {
    const sliceBytes = this.bytesPerMs * SLICE_MS;
    for (let offset = 0; offset < chunk.data.length; offset += sliceBytes) {
      const data = chunk.data.subarray(offset, offset + sliceBytes);
      this.busyUntil = Math.max(this.busyUntil, chunk.at) + data.length / this.bytesPerMs;
      this.queue.push({ data, at: this.busyUntil });
    }
  }

  end(): void {
    this.queue.end();
  }

  interrupt(): void {
    this.queue.flush();
  }
}
