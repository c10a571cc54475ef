/**
 * Decoding of API request bodies into typed inputs, with Toxiproxy's defaults (a new proxy is
 * enabled, a new toxic is downstream with toxicity 1) and 400 `bad request body: ...` for anything
 * that is not JSON of the right shape. Attribute values are checked later, by each toxic.
 */
import { badRequestBody } from './errors.js';
import type { ProxyInput } from './proxy-collection.js';
import type { ProxySettings } from './proxy.js';
import type { ToxicInput, ToxicPatch } from './toxic-set.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Parses a request body; an empty body is an error, as for Go's json.Decoder (`EOF`). */
export function parseJson(text: string): unknown {
  if (text.trim().length === 0) throw badRequestBody('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequestBody(error instanceof Error ? error.message : String(error), error);
  }
}

export function proxyInput(body: unknown): ProxyInput {
  const object = asObject(body, 'a proxy object');
  return {
    name: optionalString(object, 'name') ?? '',
    listen: optionalString(object, 'listen') ?? '',
    upstream: optionalString(object, 'upstream') ?? '',
    enabled: optionalBoolean(object, 'enabled') ?? true,
  };
}

export function populateInputs(body: unknown): ProxyInput[] {
  if (!Array.isArray(body)) throw badRequestBody(`expected an array of proxy objects, got ${kindOf(body)}`);
  return body.map(proxyInput);
}

export function proxyPatch(body: unknown): Partial<ProxySettings> {
  const object = asObject(body, 'a proxy object');
  const patch: Partial<ProxySettings> = {};
  const listen = optionalString(object, 'listen');
  const upstream = optionalString(object, 'upstream');
  const enabled = optionalBoolean(object, 'enabled');
  if (listen !== undefined) patch.listen = listen;
  if (upstream !== undefined) patch.upstream = upstream;
  if (enabled !== undefined) patch.enabled = enabled;
  return patch;
}

export function toxicInput(body: unknown): ToxicInput {
  const object = asObject(body, 'a toxic object');
  const input: ToxicInput = { type: optionalString(object, 'type') ?? '' };
  const name = optionalString(object, 'name');
  const stream = optionalString(object, 'stream');
  if (name !== undefined) input.name = name;
  if (stream !== undefined) input.stream = stream;
  Object.assign(input, toxicPatch(object));
  return input;
}

export function toxicPatch(body: unknown): ToxicPatch {
  const object = asObject(body, 'a toxic object');
  const patch: ToxicPatch = {};
  const toxicity = object.toxicity;
  if (toxicity !== undefined && toxicity !== null) {
    if (typeof toxicity !== 'number') throw wrongType('toxicity', 'a number', toxicity);
    patch.toxicity = toxicity;
  }
  const attributes = object.attributes;
  if (attributes !== undefined && attributes !== null) patch.attributes = asObject(attributes, 'an attributes object');
  return patch;
}

function asObject(value: unknown, expected: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequestBody(`expected ${expected}, got ${kindOf(value)}`);
  }
  return value as JsonObject;
}

// JSON null leaves a field at its default, as it does for Go's decoder.
function optionalString(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  return value;
}

function optionalBoolean(object: JsonObject, field: string): boolean | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(field, 'a boolean', value);
  return value;
}

function wrongType(field: string, expected: string, value: unknown): Error {
  return badRequestBody(`field "${field}" must be ${expected}, got ${JSON.stringify(value)}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
