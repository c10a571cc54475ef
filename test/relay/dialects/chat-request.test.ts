import { describe, expect, it } from 'vitest';
import { ChatRequestInvalid, validateChatRequest } from '../../../src/relay/dialects/chat-request.js';

const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
/** `levels` arrays, one inside the other (built in a loop: deeper than the stack allows to recurse). */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

const invalid: Array<[string, unknown, string, RegExp]> = [
  ['not an object', [1], 'body', /must be a JSON object/],
  ['no model', { messages: base.messages }, 'model', /model must be a non-empty string/],
  ['empty messages', { ...base, messages: [] }, 'messages', /non-empty array/],
  ['a message that is a string', { ...base, messages: ['hi'] }, 'messages[0]', /must be an object/],
  ['an unknown role', { ...base, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /must be one of/],
  [
    'numeric content',
    { ...base, messages: [base.messages[0], { role: 'user', content: 'a' }, { role: 'user', content: 5 }] },
    'messages[2].content',
    /messages\[2\]\.content must be a string or an array of content parts \(got number 5\)/,
  ],
  [
    'null user content',
    { ...base, messages: [{ role: 'user', content: null }] },
    'messages[0].content',
    /string or an array/,
  ],
  [
    'a text part without text',
    { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
    'messages[0].content[0].text',
    /must be a string/,
  ],
  [
    'an image part without url',
    { ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
    'messages[0].content[0].image_url.url',
    /must be a string/,
  ],
  [
    'a tool message without id',
    { ...base, messages: [{ role: 'tool', content: 'r' }] },
    'messages[0].tool_call_id',
    /required for tool messages/,
  ],
  [
    'a broken tool call',
    { ...base, messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c' }] }] },
    'messages[0].tool_calls[0]',
    /function/,
  ],
  [
    'temperature 3',
    { ...base, temperature: 3 },
    'temperature',
    /temperature must be a number between 0 and 2 \(got number 3\)/,
  ],
  [
    'temperature as a string',
    { ...base, temperature: '0.5' },
    'temperature',
    /must be a number between 0 and 2 \(got "0.5"\)/,
  ],
  ['top_p 1.5', { ...base, top_p: 1.5 }, 'top_p', /between 0 and 1/],
  ['stream "yes"', { ...base, stream: 'yes' }, 'stream', /stream must be a boolean/],
  ['max_tokens 0', { ...base, max_tokens: 0 }, 'max_tokens', /integer between 1/],
  ['max_completion_tokens 1.5', { ...base, max_completion_tokens: 1.5 }, 'max_completion_tokens', /an integer/],
  ['n 0', { ...base, n: 0 }, 'n', /integer between 1 and 128/],
  ['presence_penalty -3', { ...base, presence_penalty: -3 }, 'presence_penalty', /between -2 and 2/],
  ['seed 1.5', { ...base, seed: 1.5 }, 'seed', /an integer/],
  ['stop as a number', { ...base, stop: 4 }, 'stop', /string or an array of strings/],
  [
    'stream_options not an object',
    { ...base, stream: true, stream_options: true },
    'stream_options',
    /must be an object/,
  ],
  [
    'include_usage "yes"',
    { ...base, stream: true, stream_options: { include_usage: 'yes' } },
    'stream_options.include_usage',
    /boolean/,
  ],
  [
    'tools without a name',
    { ...base, tools: [{ type: 'function', function: {} }] },
    'tools[0].function.name',
    /must be a string/,
  ],
  [
    'tool parameters as a string',
    { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: '{"type":"object"}' } }] },
    'tools[0].function.parameters',
    /must be an object \(a JSON Schema\)/,
  ],
  [
    'tool parameters as an array',
    { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] },
    'tools[0].function.parameters',
    /must be an object/,
  ],
  [
    'a message name that is a number',
    { ...base, messages: [{ role: 'user', content: 'hi', name: 42 }] },
    'messages[0].name',
    /messages\[0\]\.name must be a string \(got number 42\)/,
  ],
  ['tool_choice "always"', { ...base, tool_choice: 'always' }, 'tool_choice', /"none", "auto", "required"/],
  ['response_format a string', { ...base, response_format: 'json' }, 'response_format', /object with a string type/],
  ['user a number', { ...base, user: 1 }, 'user', /must be a string/],
  // The body is level 1: 100 arrays under one of its fields make 101 levels.
  [
    'nesting deeper than 100 levels',
    { ...base, metadata: nested(100) },
    'body',
    /nests objects or arrays deeper than 100 levels/,
  ],
  [
    'deep nesting in a tool schema',
    { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: nested(20_000) } }] },
    'body',
    /deeper than 100/,
  ],
];

describe('validateChatRequest', () => {
  it.each(invalid)('rejects %s, naming the field', (_name, body, field, message) => {
    const result = validateChatRequest(body);
    expect(result).toBeInstanceOf(ChatRequestInvalid);
    expect((result as ChatRequestInvalid).field).toBe(field);
    expect((result as ChatRequestInvalid).message).toMatch(message);
  });

  it.each<[string, unknown]>([
    ['a minimal request', base],
    [
      'nulls for optional fields',
      { ...base, temperature: null, stream: null, stop: null, tools: null, max_tokens: null },
    ],
    [
      'every sampling parameter',
      {
        ...base,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
        top_p: 1,
        max_tokens: 5,
        max_completion_tokens: 5,
        stop: ['x'],
        seed: -4,
        n: 2,
        presence_penalty: 2,
        frequency_penalty: -2,
        user: 'u',
      },
    ],
    [
      'content parts and tools',
      {
        ...base,
        messages: [
          { role: 'system', content: 'be brief' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        response_format: { type: 'json_object' },
      },
    ],
    ['an unknown model and unknown fields', { ...base, model: 'no-such-alias', logprobs: true, metadata: { a: 1 } }],
    ['exactly 100 levels of nesting', { ...base, metadata: nested(99) }],
  ])('accepts %s as is', (_name, body) => {
    expect(validateChatRequest(body)).toBe(body);
  });

  it('does not mistake a request with a "field" key for an error', () => {
    const body = { ...base, field: 'x', message: 'y' };
    expect(validateChatRequest(body)).not.toBeInstanceOf(ChatRequestInvalid);
  });
});
