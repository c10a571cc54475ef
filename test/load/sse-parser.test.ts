import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/load/sse-parser.js';

type Event = [string, string | undefined];
const parse = (chunks: Array<string | Uint8Array>): Event[] => {
  const events: Event[] = [];
  const parser = new SseParser((data, event) => events.push([data, event]));
  for (const c of chunks) parser.push(c);
  parser.end();
  return events;
};
const bytes = (text: string): Uint8Array[] => [...Buffer.from(text)].map((b) => Uint8Array.of(b));

const STREAM = 'data: {"a":"é😀"}\n\n: keep-alive\n\nevent: error\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
const EXPECTED: Event[] = [
  ['{"a":"é😀"}', undefined],
  ['line1\nline2', 'error'],
  ['[DONE]', undefined],
];

describe('SSE parser', () => {
  it.each<[string, Array<string | Uint8Array>]>([
    ['one chunk', [STREAM]],
    ['byte by byte (splits lines and UTF-8 characters)', bytes(STREAM)],
    [
      'CRLF split between \\r and \\n',
      [STREAM.replaceAll('\n', '\r\n').slice(0, 18), STREAM.replaceAll('\n', '\r\n').slice(18)],
    ],
    ['CR only line endings, byte by byte', bytes(STREAM.replaceAll('\n', '\r'))],
    ['CRLF byte by byte', bytes(STREAM.replaceAll('\n', '\r\n'))],
  ])('%s', (_name, chunks) => {
    expect(parse(chunks)).toEqual(EXPECTED);
  });

  it('dispatches a last event whose lines were complete, never a half line', () => {
    expect(parse(['data: [DONE]\n'])).toEqual([['[DONE]', undefined]]);
    expect(parse(['data: {"x":1}\n\ndata: {"choices":[{"del'])).toEqual([['{"x":1}', undefined]]);
    expect(parse(['data: [DONE]'])).toEqual([]);
  });

  it('accepts data without the optional space and ignores unknown fields', () => {
    expect(parse(['data:x\nid: 3\nretry: 10\nfoo\n\n'])).toEqual([['x', undefined]]);
  });
});
