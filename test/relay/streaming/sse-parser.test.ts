import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../src/relay/streaming/sse-parser.js';

function parse(chunks: Array<string | Uint8Array>): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const chunk of chunks) parser.push(chunk, out);
  parser.end(out);
  return out;
}

/** Every split of `text` into two chunks, as bytes: a boundary anywhere must not matter. */
function everySplit(text: string): Uint8Array[][] {
  const bytes = Buffer.from(text, 'utf8');
  const splits: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) splits.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return splits;
}

const table: Array<[string, string, SseEvent[]]> = [
  ['one event', 'data: {"a":1}\n\n', [{ event: undefined, data: '{"a":1}' }]],
  [
    'two events',
    'data: 1\n\ndata: 2\n\n',
    [
      { event: undefined, data: '1' },
      { event: undefined, data: '2' },
    ],
  ],
  ['CRLF line ends', 'event: ping\r\ndata: x\r\n\r\n', [{ event: 'ping', data: 'x' }]],
  [
    'CR line ends',
    'data: x\r\rdata: y\r\r',
    [
      { event: undefined, data: 'x' },
      { event: undefined, data: 'y' },
    ],
  ],
  ['comments are skipped', ': keep-alive\n\ndata: x\n: again\n\n', [{ event: undefined, data: 'x' }]],
  ['multi-line data joins with \\n', 'data: a\ndata: b\n\n', [{ event: undefined, data: 'a\nb' }]],
  ['no space after the colon', 'data:x\n\n', [{ event: undefined, data: 'x' }]],
  ['only one leading space is stripped', 'data:  x\n\n', [{ event: undefined, data: ' x' }]],
  ['a field without colon', 'data\n\n', [{ event: undefined, data: '' }]],
  [
    'event type resets after dispatch',
    'event: message_start\ndata: 1\n\ndata: 2\n\n',
    [
      { event: 'message_start', data: '1' },
      { event: undefined, data: '2' },
    ],
  ],
  ['id and retry are ignored', 'id: 7\nretry: 10\ndata: x\n\n', [{ event: undefined, data: 'x' }]],
  ['an event without data is not dispatched', 'event: ping\n\n', []],
  ['pending data is dispatched at EOF', 'data: [DONE]', [{ event: undefined, data: '[DONE]' }]],
  ['multi-byte UTF-8', 'data: héllo 👋\n\n', [{ event: undefined, data: 'héllo 👋' }]],
];

describe('SseParser', () => {
  it.each(table)('%s', (_name, text, expected) => {
    expect(parse([text])).toEqual(expected);
    for (const split of everySplit(text)) expect(parse(split)).toEqual(expected);
  });

  it('survives one-byte chunks', () => {
    const text = 'event: a\r\ndata: 1\r\ndata: 2\r\n\r\n: c\n\ndata: é\n\n';
    const bytes = [...Buffer.from(text)].map((b) => Uint8Array.of(b));
    expect(parse(bytes)).toEqual([
      { event: 'a', data: '1\n2' },
      { event: undefined, data: 'é' },
    ]);
  });

  it('does not take the LF after a chunk-final CR as an empty line', () => {
    expect(parse(['data: 1\r', '\ndata: 2\r\n', '\r\n'])).toEqual([{ event: undefined, data: '1\n2' }]);
  });
});
