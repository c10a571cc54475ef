/**
 * OpenAI chat request -> Gemini `generateContent` request: messages -> `contents` (roles `user`
 * and `model`, consecutive same-role turns merged), system and developer messages ->
 * `systemInstruction`, sampling -> `generationConfig`, tools -> `functionDeclarations`,
 * assistant tool calls -> `functionCall` parts, tool messages -> `functionResponse` parts.
 */
import { maxTokensOf, stopList, type ChatContentPart, type ChatMessage, type ChatRequest } from './chat-request.js';
import { textOf } from './anthropic-request.js';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

/** The request body for `request`. */
export function geminiBody(request: ChatRequest): Record<string, unknown> {
  const system: Part[] = [];
  const contents: Content[] = [];
  /** tool_call_id -> function name: Gemini answers a call by name, OpenAI by id. */
  const callNames = new Map<string, string>();
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push({ text: textOf(message.content) });
        break;
      case 'user':
      case 'function':
        addContent(contents, 'user', partsOf(message.content));
        break;
      case 'assistant': {
        const parts = partsOf(message.content);
        for (const call of message.tool_calls ?? []) {
          callNames.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) } });
        }
        addContent(contents, 'model', parts);
        break;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id ?? '') ?? message.name ?? 'tool';
        addContent(contents, 'user', [{ functionResponse: { name, response: { content: textOf(message.content) } } }]);
        break;
      }
      default: {
        const unreachable: never = message.role;
        return unreachable;
      }
    }
  }
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body['systemInstruction'] = { parts: system };
  const config = generationConfig(request);
  if (config !== undefined) body['generationConfig'] = config;
  if (Array.isArray(request.tools) && request.tools.length > 0) {
    body['tools'] = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
          ...(tool.function.parameters === undefined ? {} : { parameters: tool.function.parameters }),
        })),
      },
    ];
  }
  const choice = request.tool_choice;
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    body['toolConfig'] = { functionCallingConfig: { mode: choice === 'required' ? 'ANY' : choice.toUpperCase() } };
  } else if (typeof choice === 'object' && choice !== null) {
    body['toolConfig'] = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  return body;
}

function generationConfig(request: ChatRequest): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  if (typeof request.temperature === 'number') config['temperature'] = request.temperature;
  if (typeof request.top_p === 'number') config['topP'] = request.top_p;
  const max = maxTokensOf(request);
  if (max !== undefined) config['maxOutputTokens'] = max;
  const stop = stopList(request);
  if (stop !== undefined && stop.length > 0) config['stopSequences'] = stop;
  if (typeof request.n === 'number') config['candidateCount'] = request.n;
  if (typeof request.seed === 'number') config['seed'] = request.seed;
  if (typeof request.presence_penalty === 'number') config['presencePenalty'] = request.presence_penalty;
  if (typeof request.frequency_penalty === 'number') config['frequencyPenalty'] = request.frequency_penalty;
  const format = request.response_format?.type;
  if (format === 'json_object' || format === 'json_schema') config['responseMimeType'] = 'application/json';
  return Object.keys(config).length === 0 ? undefined : config;
}

function addContent(contents: Content[], role: Content['role'], parts: Part[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last !== undefined && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function partsOf(content: ChatMessage['content']): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: Part[] = [];
  for (const part of content ?? []) {
    const mapped = partOf(part);
    if (mapped !== undefined) parts.push(mapped);
  }
  return parts;
}

/** Text and images map; other part types have no equivalent here and are dropped. */
function partOf(part: ChatContentPart): Part | undefined {
  if (part.type === 'text' && typeof part.text === 'string') return part.text === '' ? undefined : { text: part.text };
  if (part.type !== 'image_url' || part.image_url === undefined) return undefined;
  const url = part.image_url.url;
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { inlineData: { mimeType: data[1], data: data[2] } };
  return { fileData: { fileUri: url } };
}

function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json === '' ? '{}' : json);
  } catch {
    return {};
  }
}
