/**
 * The toxics installed on one proxy, as plain state: creation with Toxiproxy's defaults and checks
 * (in its order: stream, type, duplicate name, then attributes), updates that merge attributes and
 * toxicity, removal. Applying them to live connections is `Proxy`'s job.
 */
import { badRequestBody, invalidStream, invalidToxicType, toxicAlreadyExists, toxicNotFound } from './errors.js';
import { InvalidAttributeError } from './toxics/attributes.js';
import { findToxic } from './toxics/registry.js';
import type { ActiveToxic, Attributes, Stream, ToxicDefinition } from './toxics/types.js';

/** A toxic as the API received it, before defaults and validation. */
export interface ToxicInput {
  name?: string;
  type: string;
  stream?: string;
  toxicity?: number;
  attributes?: Readonly<Record<string, unknown>>;
}

/** An update: attributes merge over the current ones; name, type and stream cannot change. */
export interface ToxicPatch {
  toxicity?: number;
  attributes?: Readonly<Record<string, unknown>>;
}

export class ToxicSet {
  // Insertion order; names are unique across both streams.
  private toxics: ActiveToxic[] = [];

  /** Upstream toxics first, then downstream, each in the order added (Toxiproxy's listing order). */
  list(): ActiveToxic[] {
    return [
      ...this.toxics.filter((t) => t.stream === 'upstream'),
      ...this.toxics.filter((t) => t.stream === 'downstream'),
    ];
  }

  get(name: string): ActiveToxic {
    const toxic = this.toxics.find((t) => t.name === name);
    if (!toxic) throw toxicNotFound();
    return toxic;
  }

  add(input: ToxicInput): ActiveToxic {
    const stream = parseStream(input.stream ?? 'downstream');
    const name = input.name || `${input.type}_${stream}`;
    const definition = findToxic(input.type);
    if (!definition) throw invalidToxicType();
    if (this.toxics.some((t) => t.name === name)) throw toxicAlreadyExists();
    const toxic: ActiveToxic = {
      name,
      type: definition.type,
      stream,
      toxicity: checkToxicity(input.toxicity ?? 1),
      attributes: validateAttributes(definition, { ...definition.defaults, ...input.attributes }),
      definition,
    };
    this.toxics.push(toxic);
    return toxic;
  }

  update(name: string, patch: ToxicPatch): ActiveToxic {
    const current = this.get(name);
    const updated: ActiveToxic = {
      ...current,
      toxicity: checkToxicity(patch.toxicity ?? current.toxicity),
      attributes: validateAttributes(current.definition, { ...current.attributes, ...patch.attributes }),
    };
    this.toxics = this.toxics.map((t) => (t === current ? updated : t));
    return updated;
  }

  remove(name: string): ActiveToxic {
    const toxic = this.get(name);
    this.toxics = this.toxics.filter((t) => t !== toxic);
    return toxic;
  }
}

function parseStream(value: string): Stream {
  const stream = value.toLowerCase();
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream();
  return stream;
}

function checkToxicity(value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw badRequestBody(`toxicity must be a number from 0 to 1, got ${value}`);
  }
  return value;
}

function validateAttributes(definition: ToxicDefinition, raw: Readonly<Record<string, unknown>>): Attributes {
  try {
    return Object.freeze(definition.validate(raw));
  } catch (error) {
    if (error instanceof InvalidAttributeError) throw badRequestBody(error.message, error);
    throw error;
  }
}
