/** Shared helpers for mock provider tests: real loopback requests and SSE reading. */
import { Agent, request } from 'undici';
import { afterAll, afterEach } from 'vitest';
import type { DialectName } from '../../src/mock/dialect.js';
import { startMockProvider, type MockProviderOptions, type RunningMockProvider } from '../../src/mock/provider.js';

export const client = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
const running: RunningMockProvider[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((provider) => provider.close()));
});
afterAll(() => client.close());

export async function start(options: MockProviderOptions): Promise<RunningMockProvider> {
  const provider = await startMockProvider(options);
  running.push(provider);
  return provider;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** What arrived before the body ended or broke. */
  text: string;
  /** The body ended with an error (socket destroyed mid-body). */
  broken: boolean;
  /** ms from send to response headers, and to the end of the body. */
  headersMs: number;
  totalMs: number;
  /** ms from send to each body chunk. */
  chunkTimes: number[];
}

/** The request each dialect expects, built from one description. */
export function completionRequest(
  dialect: DialectName,
  options: { text?: string; maxTokens?: number; stream?: boolean; model?: string } = {},
): { path: string; body: unknown } {
  const text = options.text ?? 'Say hello to the relay.';
  const stream = options.stream ?? false;
  switch (dialect) {
    case 'openai':
      return {
        path: '/v1/chat/completions',
        body: {
          model: options.model ?? 'gpt-test',
          messages: [{ role: 'user', content: text }],
          ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
          ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
        },
      };
    case 'anthropic':
      return {
        path: '/v1/messages',
        body: {
          model: options.model ?? 'claude-test',
          max_tokens: options.maxTokens ?? 64,
          messages: [{ role: 'user', content: text }],
          ...(stream ? { stream: true } : {}),
        },
      };
    case 'gemini': {
      const model = options.model ?? 'gemini-test';
      return {
        path: stream
          ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
          : `/v1beta/models/${model}:generateContent`,
        body: {
          contents: [{ role: 'user', parts: [{ text }] }],
          ...(options.maxTokens === undefined ? {} : { generationConfig: { maxOutputTokens: options.maxTokens } }),
        },
      };
    }
  }
}

/** POSTs and reads the whole body, tolerating a body that breaks. */
export async function send(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  const res = await request(`${url}${path}`, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const headersMs = performance.now() - started;
  let text = '';
  let broken = false;
  const chunkTimes: number[] = [];
  try {
    for await (const chunk of res.body) {
      chunkTimes.push(performance.now() - started);
      text += (chunk as Buffer).toString('utf8');
    }
  } catch {
    broken = true;
  }
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    broken,
    headersMs,
    totalMs: performance.now() - started,
    chunkTimes,
  };
}

export async function ask(
  provider: RunningMockProvider,
  options: Parameters<typeof completionRequest>[1] = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const { path, body } = completionRequest(provider.dialect, options);
  return send(provider.url, path, body, headers);
}

/** SSE events as `{ event?, data }`, whatever the line ending. */
export function sseEvents(text: string): Array<{ event?: string; data: string }> {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return { ...(event === undefined ? {} : { event }), data: data.join('\n') };
    });
}

/** Whether every event's data parses as JSON (`[DONE]` allowed). */
export function allParse(text: string): boolean {
  return sseEvents(text).every(({ data }) => {
    if (data === '[DONE]') return true;
    try {
      JSON.parse(data);
      return true;
    } catch {
      return false;
    }
  });
}

/** Control API calls. */
export async function control(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await request(`${url}${path}`, {
    dispatcher: client,
    method: method as 'GET',
    ...(body === undefined
      ? {}
      : {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text === '' ? undefined : JSON.parse(text) };
}

export const DIALECTS: readonly DialectName[] = ['openai', 'anthropic', 'gemini'];
