import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamCutError, type RelayResponse } from '../../../src/relay/contract.js';
import {
  SSE_DONE,
  sseData,
  sseStreamCut,
  writeSseStream,
  type StreamEnd,
} from '../../../src/relay/front-door/openai-sse.js';

type StreamResponse = Extract<RelayResponse, { kind: 'stream' }>;

function response(events: AsyncIterable<string>, onCancel: () => void = () => {}): StreamResponse {
  return { kind: 'stream', model: 'm', events, usage: () => undefined, firstByteMs: 1, cancel: onCancel };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** Serves one request with `handler`, returns the raw body the client read and how the stream ended. */
async function roundTrip(
  handler: (res: ServerResponse) => Promise<StreamEnd>,
): Promise<{ body: string; end: StreamEnd; type: string | undefined }> {
  let ended!: Promise<StreamEnd>;
  server = createServer((_req, res) => void (ended = handler(res)));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { body, type } = await new Promise<{ body: string; type: string | undefined }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (text += c))
        .on('end', () => resolve({ body: text, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });
  return { body, end: await ended, type };
}

describe('OpenAI SSE writer', () => {
  it('formats data, done and cut events', () => {
    expect(sseData('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    expect(JSON.parse(sseStreamCut('gone').slice(6))).toEqual({
      error: { message: 'gone', type: 'stream_error', code: 'upstream_stream_cut' },
    });
    // Stalls and deadline cuts carry their own codes (a cut's code stays for real cuts).
    for (const code of ['upstream_stream_stalled', 'deadline_exceeded'] as const)
      expect(JSON.parse(sseStreamCut('slow', code).slice(6)).error.code).toBe(code);
  });

  it('writes every event then [DONE]', async () => {
    async function* events() {
      yield '{"n":1}';
      yield '{"n":2}';
    }
    const { body, end, type } = await roundTrip((res) =>
      writeSseStream(res, response(events()), { 'x-relay-provider': 'p' }),
    );
    expect(type).toMatch(/^text\/event-stream/);
    expect(body).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    expect(end).toEqual({ kind: 'done' });
  });

  it('ends a cut stream with the error event and without [DONE]', async () => {
    async function* events() {
      yield '{"n":1}';
      throw new StreamCutError('upstream reset', 'reset');
    }
    const { body, end } = await roundTrip((res) => writeSseStream(res, response(events()), {}));
    expect(body).toBe(`data: {"n":1}\n\n${sseStreamCut('upstream reset')}`);
    expect(body).not.toContain('[DONE]');
    expect(end.kind).toBe('cut');
  });
});
