/**
 * The `stream_stall` fault at work in a streamed answer: once `afterChunks` events are out, the
 * stream goes quiet for `ms` with the connection open (what a provider stuck after its first
 * token looks like), then resumes or, with `close`, the socket is destroyed.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamStallEffect } from './fault-table.js';
import type { SseWriter } from './sse-writer.js';

export class StreamStall {
  private stalled = false;

  constructor(private readonly effect: StreamStallEffect) {}

  /** True when the stall begins before the event after the `sent` ones (it happens once). */
  due(sent: number): boolean {
    return !this.stalled && sent >= this.effect.afterChunks;
  }

  /** Sends what is queued, stays silent, then resumes (true) or closes the connection (false). */
  async run(writer: SseWriter, res: ServerResponse, signal: AbortSignal): Promise<boolean> {
    this.stalled = true;
    writer.flush();
    if (this.effect.ms >= 1) await sleep(this.effect.ms, undefined, { signal });
    if (!this.effect.close) return true;
    res.destroy();
    return false;
  }
}

/** The event that ends a stream in its dialect: OpenAI's `[DONE]`, Anthropic's `message_stop`. */
export function isTerminalEvent(event: { readonly event?: string; readonly data: string }): boolean {
  return event.data === '[DONE]' || event.event === 'message_stop';
}
