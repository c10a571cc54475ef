/**
 * An incremental `text/event-stream` parser (WHATWG HTML, "event stream interpretation"): bytes
 * may split anywhere, including inside a UTF-8 sequence or between `\r` and `\n`; lines end in
 * `\n`, `\r\n` or `\r`; `:` lines are comments; several `data:` lines join with `\n`.
 * One deviation: at EOF a pending event with data is dispatched, not discarded, because some
 * upstreams close right after their last `data:` line.
 */

import type { SseEvent } from '../contract.js';

export type { SseEvent };

const CR = 13;
const LF = 10;

export class SseParser {
  // TextDecoder in stream mode keeps a split multi-byte character for the next chunk.
  private readonly decoder = new TextDecoder('utf-8');
  /** The incomplete last line of the previous chunk. */
  private partial = '';
  /** The previous chunk ended in `\r`: a leading `\n` belongs to that line break. */
  private skipLf = false;
  private data: string | undefined;
  private event: string | undefined;

  /** Parses `chunk`, appending each completed event to `out` (a caller-owned array, reused). */
  push(chunk: Uint8Array | string, out: SseEvent[]): void {
    this.scan(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }), out);
  }

  /** Upstream EOF: flushes the last line and dispatches a pending event. */
  end(out: SseEvent[]): void {
    this.scan(this.decoder.decode(), out);
    if (this.partial !== '') {
      this.line(this.partial, out);
      this.partial = '';
    }
    this.line('', out);
  }

  private scan(text: string, out: SseEvent[]): void {
    let pos = 0;
    const len = text.length;
    if (this.skipLf && len > 0) {
      if (text.charCodeAt(0) === LF) pos = 1;
      this.skipLf = false;
    }
    // Cached next-CR/next-LF positions, so a chunk without `\r` is searched once, not per line.
    let cr = -2;
    let lf = -2;
    while (pos < len) {
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      const eol = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (eol === -1) break;
      const piece = text.slice(pos, eol);
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.line(line, out);
      pos = eol + 1;
      if (text.charCodeAt(eol) === CR) {
        if (pos === len) this.skipLf = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
    }
    if (pos < len) this.partial += text.slice(pos);
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data !== undefined) out.push({ event: this.event, data: this.data });
      this.data = undefined;
      this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return; // comment, e.g. a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    if (field === 'data') this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    else if (field === 'event') this.event = value;
    // `id` and `retry` matter to reconnecting browsers, not to a relay reading one response.
  }
}
