/** OpenAI's error shape, for bodies and stream error events, and where the load records it. */
import { describe, expect, it } from 'vitest';
import { errorShapeOfText } from '../../src/load/error-shape.js';
import { StreamMeter } from '../../src/load/stream-meter.js';

describe('errorShapeOfText', () => {
  it.each([
    [
      'OpenAI with a string code',
      '{"error":{"message":"m","type":"invalid_request_error","param":null,"code":"x"}}',
      'openai',
    ],
    ['OpenAI with a null code', '{"error":{"message":"m","type":"server_error","code":null}}', 'openai'],
    ['a numeric code', '{"error":{"message":"m","type":"t","code":429}}', 'openai'],
    ['no code field', '{"error":{"message":"m","type":"t"}}', 'other'],
    ['no type', '{"error":{"message":"m","code":"c"}}', 'other'],
    ['a message that is no string', '{"error":{"message":{"m":1},"type":"t","code":"c"}}', 'other'],
    ['an error that is a string', '{"error":"upstream failed"}', 'other'],
    ["Anthropic's shape", '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'other'],
    ['a gateway of its own', '{"status":"failure","message":"All targets failed"}', 'other'],
    ['plain text', 'Bad Gateway', 'other'],
    ['an empty body', '', 'other'],
  ] as const)('%s is %s', (_what, text, shape) => {
    expect(errorShapeOfText(text)).toBe(shape);
  });
});

describe('StreamMeter error shape', () => {
  function meter(text: string): StreamMeter {
    const m = new StreamMeter();
    m.push(text, 1);
    m.end();
    return m;
  }

  it('records the shape of the first error event, whether a data chunk or an `event: error`', () => {
    const shaped = meter('data: {"error":{"message":"cut","type":"stream_error","code":"upstream_stream_cut"}}\n\n');
    expect([shaped.verdict(), shaped.errorShape]).toEqual(['stream_error', 'openai']);
    const bare = meter('event: error\ndata: upstream went away\n\n');
    expect([bare.verdict(), bare.errorShape]).toEqual(['stream_error', 'other']);
    const foreign = meter('data: {"error":"boom"}\n\n');
    expect([foreign.verdict(), foreign.errorShape]).toEqual(['stream_error', 'other']);
  });

  it('has no shape for a stream without an error', () => {
    const good = meter('data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
    expect([good.verdict(), good.errorShape]).toEqual(['ok', undefined]);
  });
});
