/**
 * slicer: cuts each chunk into pieces of about `average_size` ± `size_variation` bytes, `delay` µs
 * apart, to mimic real TCP segmentation. Splitting halves recursively (as Toxiproxy does) gives evenly
 * varying pieces with no bias towards a small first or last one.
 */
import { DelayQueue } from './delay-queue.js';
import { integerAttribute, MAX_TIMER_MS } from './attributes.js';
import type { Attributes, Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';
import type { Random } from '../../random.js';

const MAX_SIZE = 1 << 30;

export const slicerToxic: ToxicDefinition = {
  type: 'slicer',
  defaults: Object.freeze({ average_size: 0, size_variation: 0, delay: 0 }),
  validate: (raw) => {
    // average_size 0 or a variation >= the average makes Toxiproxy panic; both are refused.
    const averageSize = integerAttribute(raw, 'average_size', { min: 1, max: MAX_SIZE });
    return {
      average_size: averageSize,
      size_variation: integerAttribute(raw, 'size_variation', { min: 0, max: averageSize - 1 }),
      delay: integerAttribute(raw, 'delay', { min: 0, max: MAX_TIMER_MS * 1000 }),
    };
  },
  create: (ctx, attributes) => new SlicerStage(ctx, attributes),
};

class SlicerStage implements ToxicStage {
  private readonly queue: DelayQueue;
  private readonly averageSize: number;
  private readonly variation: number;
  private readonly delayMs: number;
  /** When the next piece may go out: one `delay` after the previous piece. */
  private nextFree = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: StageContext,
    attributes: Attributes,
  ) {
    this.queue = new DelayQueue(ctx);
    this.averageSize = attributes.average_size ?? 1;
    this.variation = attributes.size_variation ?? 0;
    this.delayMs = (attributes.delay ?? 0) / 1000;
  }

  write(chunk: Chunk): void {
    const cuts: number[] = [];
    sliceEnds(0, chunk.data.length, this.averageSize, this.variation, this.ctx.random, cuts);
    let start = 0;
    for (const end of cuts) {
      const data = chunk.data.subarray(start, end);
      start = end;
      if (this.delayMs === 0 && this.queue.isEmpty) {
        this.ctx.forward({ data, at: chunk.at });
        continue;
      }
      const at = Math.max(this.nextFree, chunk.at);
      this.nextFree = at + this.delayMs;
      this.queue.push({ data, at });
    }
  }

  end(): void {
    this.queue.end();
  }

  interrupt(): void {
    this.queue.flush();
  }
}

/** Appends the end offsets of the pieces of [start, end) to `out`. */
function sliceEnds(
  start: number,
  end: number,
  average: number,
  variation: number,
  random: Random,
  out: number[],
): void {
  if (end - start - average <= variation) {
    if (end > start) out.push(end);
    return;
  }
  const swing = variation > 0 ? Math.floor(random() * variation * 2) - variation : 0;
  // Clamped so that every piece is non-empty and the recursion always makes progress.
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + swing));
  sliceEnds(start, mid, average, variation, random, out);
  sliceEnds(mid, end, average, variation, random, out);
}
