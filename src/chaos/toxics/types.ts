/**
 * The contract between the link layer and the toxics. A toxic is a named definition that validates
 * its attributes once (when the API receives them) and creates one small stage per connection and
 * direction; the link feeds the stage chunks and the stage hands them on through its context.
 */
import type { Random } from '../../random.js';

/** Validated toxic attributes: every toxic attribute in Toxiproxy's API is a number. */
export type Attributes = Readonly<Record<string, number>>;

/** The two directions of a proxied connection, as Toxiproxy names them. */
export type Stream = 'upstream' | 'downstream';

/** A slice of the byte stream with the time (ms, `performance.now()`) it became due at this stage. */
export interface Chunk {
  readonly data: Buffer;
  readonly at: number;
}

/** What a stage may do; every call is a no-op once the stage has been interrupted or the connection is gone. */
export interface StageContext {
  /** Seeded, independent per connection, direction and toxic name. */
  readonly random: Random;
  /**
   * Whether the toxic was installed when the connection opened, rather than added to it later
   * (Toxiproxy sets up a connection's sockets for its toxics once, when it opens).
   */
  readonly openedWithToxic: boolean;
  now(): number;
  /** Hands a chunk to the next stage (or to the destination socket). */
  forward(chunk: Chunk): void;
  /** Signals end of stream to the next stage, once every held chunk has been forwarded. */
  end(): void;
  /** Reports bytes dropped on purpose, so backpressure accounting stays exact. */
  discard(bytes: number): void;
  /** Ends this direction here and then closes the whole connection (FIN), like Toxiproxy's `stub.Close()`. */
  close(): void;
  /** Resets both sides of the connection with a TCP RST. */
  reset(): void;
}

/** One toxic acting on one direction of one connection. */
export interface ToxicStage {
  /** Data from the previous stage. */
  write(chunk: Chunk): void;
  /** End of stream from the previous stage; call `ctx.end()` once everything held has been forwarded. */
  end(): void;
  /**
   * Stop acting now: forward every held chunk immediately (never drop data on the floor) and clear
   * timers. Called when the toxic is updated or removed, or the connection goes away.
   */
  interrupt(): void;
  /** Removal semantics beyond `interrupt` (the timeout toxic closes the connection instead). */
  remove?(): void;
  /** Applies new attributes in place, for toxics whose per-connection state must survive an update. */
  update?(attributes: Attributes): void;
}

/** A toxic type, registered by name in `registry.ts`. */
export interface ToxicDefinition {
  readonly type: string;
  /**
   * Validates raw attributes (already merged over the defaults or the current values) and returns
   * exactly the known attributes; throws `InvalidAttributeError` naming the field and what is allowed.
   */
  validate(raw: Readonly<Record<string, unknown>>): Attributes;
  /** Default attributes, echoed in the toxic's JSON like Toxiproxy's zero-valued fields. */
  readonly defaults: Attributes;
  create(ctx: StageContext, attributes: Attributes): ToxicStage;
}

/** A toxic installed on a proxy. Immutable: an update replaces the whole record. */
export interface ActiveToxic {
  readonly name: string;
  readonly type: string;
  readonly stream: Stream;
  readonly toxicity: number;
  readonly attributes: Attributes;
  readonly definition: ToxicDefinition;
}

/** The toxic's JSON, field for field as Toxiproxy writes it. */
export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
}

export function toxicJson(toxic: ActiveToxic): ToxicJson {
  return {
    attributes: { ...toxic.attributes },
    name: toxic.name,
    type: toxic.type,
    stream: toxic.stream,
    toxicity: toxic.toxicity,
  };
}
