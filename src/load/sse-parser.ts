/**
 * Incremental Server-Sent Events parser for the load client. Network chunks cut anywhere: inside
 * a line, between `\r` and `\n`, inside a multi-byte character; the parser carries the remainder
 * and dispatches an event at each blank line, with its `data:` lines joined by `\n` (per the
 * WHATWG EventSource rules). At the end of input, an event whose lines were all complete is
 * dispatched; a half-received line is dropped, so a cut stream never yields a truncated event.
 */

export type SseListener = (data: string, event: string | undefined) => void;

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;

  constructor(private readonly onEvent: SseListener) {}

  /** Feeds one network chunk. */
  push(chunk: Uint8Array | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A trailing \r may be the first half of \r\n: wait for the next chunk to tell.
      if (end === cr && end === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, end));
      start = end === cr && this.buffer.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
  }

  /** The input ended: dispatch a pending event if its lines were complete. */
  end(): void {
    this.buffer += this.decoder.decode();
    if (this.buffer === '\r') this.buffer = '';
    if (this.buffer.length === 0) this.dispatch();
    this.buffer = '';
    this.data = [];
  }

  private line(line: string): void {
    if (line.length === 0) return this.dispatch();
    if (line.charCodeAt(0) === 58) return; // ':' comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(): void {
    if (this.data.length > 0) this.onEvent(this.data.join('\n'), this.event);
    this.data = [];
    this.event = undefined;
  }
}
