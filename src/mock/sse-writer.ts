/**
 * Writes a stream's events to the response, applying the stream faults as it goes: a malformed
 * event slipped in after N events, the socket destroyed after N events (a mid-stream cut).
 * Events are buffered and written in batches at each pacing point, not one write per token.
 */
import type { ServerResponse } from 'node:http';
import { formatEvents, malformedEvent, type SseEvent } from './dialect.js';

export class SseWriter {
  /** Events sent (or buffered) so far, malformed ones included. */
  count = 0;
  /** True once the cut happened: stop producing. */
  cut = false;
  private buffer: SseEvent[] = [];
  private malformedSent = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly eol: string,
    private readonly cutAfter: number | undefined,
    private readonly malformedAfter: number | undefined,
  ) {}

  /** Queues one event; false when the stream was cut instead. */
  push(event: SseEvent): boolean {
    if (this.cut) return false;
    if (!this.malformedSent && this.malformedAfter !== undefined && this.count >= this.malformedAfter) {
      this.malformedSent = true;
      if (!this.admit()) return false;
      this.buffer.push(malformedEvent(event));
    }
    if (!this.admit()) return false;
    this.buffer.push(event);
    return true;
  }

  /** Writes what is queued. */
  flush(): void {
    if (this.buffer.length === 0 || this.res.destroyed) return;
    this.res.write(formatEvents(this.buffer, this.eol));
    this.buffer = [];
  }

  private admit(): boolean {
    if (this.cutAfter !== undefined && this.count >= this.cutAfter) {
      this.cut = true;
      const events = this.buffer;
      this.buffer = [];
      const destroy = (): void => {
        this.res.destroy();
      };
      // Destroy only once the events before the cut reached the socket (writes are corked a tick).
      if (events.length > 0 && !this.res.destroyed) this.res.write(formatEvents(events, this.eol), destroy);
      else setImmediate(destroy);
      return false;
    }
    this.count++;
    return true;
  }
}
