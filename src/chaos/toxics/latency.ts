/**
 * latency: delays each chunk by `latency` ± `jitter` ms (uniform in [latency - jitter, latency + jitter)),
 * measured from when the chunk arrived, so a burst is delayed once rather than cumulatively; chunks
 * keep their order. Like Toxiproxy, an interrupted latency toxic releases what it holds at once.
 */
import { DelayQueue } from './delay-queue.js';
import { integerAttribute, MAX_TIMER_MS } from './attributes.js';
import type { Attributes, Chunk, StageContext, ToxicDefinition, ToxicStage } from './types.js';

export const latencyToxic: ToxicDefinition = {
  type: 'latency',
  defaults: Object.freeze({ latency: 0, jitter: 0 }),
  validate: (raw) => ({
    latency: integerAttribute(raw, 'latency', { min: 0, max: MAX_TIMER_MS }),
    jitter: integerAttribute(raw, 'jitter', { min: 0, max: MAX_TIMER_MS }),
  }),
  create: (ctx, attributes) => new LatencyStage(ctx, attributes),
};

class LatencyStage implements ToxicStage {
  private readonly queue: DelayQueue;
  private readonly latency: number;
  private readonly jitter: number;

  constructor(
    private readonly ctx: StageContext,
    attributes: Attributes,
  ) {
    this.queue = new DelayQueue(ctx);
    this.latency = attributes.latency ?? 0;
    this.jitter = attributes.jitter ?? 0;
  }

  write(chunk: Chunk): void {
    this.queue.push({ data: chunk.data, at: chunk.at + this.delay() });
  }

  end(): void {
    this.queue.end();
  }

  interrupt(): void {
    this.queue.flush();
  }

  private delay(): number {
    if (this.jitter === 0) return this.latency;
    return this.latency + Math.floor(this.ctx.random() * this.jitter * 2) - this.jitter;
  }
}
