/**
 * One direction of one proxied connection: bytes read from `source` pass through a chain of toxic
 * stages (one slot per toxic of this direction, in the order they were added) and are written to
 * `dest`. Toxics are added, updated and removed on live links; an interrupted stage hands on what
 * it holds before it is unlinked, so bytes are only ever dropped by a toxic whose fault that is.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Slot, type Receiver, type SlotOwner } from './toxic-slot.js';
import type { ActiveToxic, Chunk, Stream } from './toxics/types.js';

/** Bytes held inside the chain before the source is paused; the chain never buffers without bound. */
const HIGH_WATER_BYTES = 1 << 20;
const LOW_WATER_BYTES = 1 << 18;

/** Per proxy and direction, for /metrics. */
export interface ByteCounters {
  received: number;
  sent: number;
}

/** The connection, as its links see it. */
export interface LinkHost {
  /** Seed of this connection; each toxic draws from its own stream derived from it. */
  readonly seed: number;
  /** A link has delivered its end of stream, or its destination is gone. */
  linkDone(): void;
  /** Closes the whole connection after what has been written so far is flushed. */
  close(): void;
  /** Resets both sides with a TCP RST. */
  reset(): void;
}

/** One direction of one connection: source socket -> toxic slots -> destination socket. */
export class Link implements SlotOwner {
  private slots: Slot[] = [];
  private head: Receiver;
  private readonly sink: Receiver;
  /** Bytes read from the source and not yet written to the destination or dropped by a toxic. */
  private inFlight = 0;
  private paused = false;
  private destBlocked = false;
  private sourceEnded = false;
  private destGone = false;
  /** A toxic closed the connection: the source is now read and dropped, and the end of the chain closes all. */
  private closing = false;
  private disposed = false;
  private finished = false;

  constructor(
    readonly stream: Stream,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly host: LinkHost,
    private readonly counters: ByteCounters,
    toxics: readonly ActiveToxic[],
  ) {
    this.sink = { write: (chunk) => this.deliver(chunk), end: () => this.finish() };
    for (const toxic of toxics) {
      if (toxic.stream === stream) this.slots.push(new Slot(this, toxic, this.sink, true));
    }
    this.head = this.rewire();
    source.on('data', (data: Buffer) => this.receive(data));
    source.on('end', () => this.end());
    dest.on('drain', () => {
      this.destBlocked = false;
      this.updateFlow();
    });
  }

  /** True once the end of stream reached the destination, or the destination is gone. */
  get done(): boolean {
    return this.finished || this.destGone;
  }

  get seed(): number {
    return this.host.seed;
  }

  add(toxic: ActiveToxic): void {
    if (this.disposed || this.closing) return;
    this.slots.push(new Slot(this, toxic, this.sink, false));
    this.head = this.rewire();
  }

  update(toxic: ActiveToxic): void {
    if (this.disposed || this.closing) return;
    this.slots.find((slot) => slot.toxic.name === toxic.name)?.update(toxic);
  }

  remove(name: string): void {
    const index = this.slots.findIndex((slot) => slot.toxic.name === name);
    const slot = this.slots[index];
    if (slot === undefined || this.disposed) return;
    // Retire first, while the slot is still linked: what it holds flows on to its successor.
    slot.retire();
    this.slots.splice(index, 1);
    this.head = this.rewire();
  }

  /** The source socket is gone (closed or reset): whatever it sent still drains through the chain. */
  sourceClosed(): void {
    this.end();
  }

  /** The destination socket is gone: nothing more can be delivered. */
  destClosed(): void {
    if (this.destGone) return;
    this.destGone = true;
    this.destBlocked = false;
    this.updateFlow();
    this.host.linkDone();
  }

  /** Stops every stage (clearing its timers) without delivering anything more. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of this.slots) slot.dispose();
  }

  /** A stage called `ctx.close()`: the chain ends at that stage, then the connection closes. */
  closeFrom(slot: Slot): void {
    if (this.closing || this.disposed) return;
    this.closing = true;
    const index = this.slots.indexOf(slot);
    for (let i = 0; i < index; i++) this.slots[i]?.dispose();
    slot.dispose();
    slot.sendEnd();
    this.updateFlow();
  }

  discarded(bytes: number): void {
    this.inFlight -= bytes;
    this.updateFlow();
  }

  private receive(data: Buffer): void {
    this.counters.received += data.length;
    if (this.disposed || this.closing) return;
    this.inFlight += data.length;
    this.head.write({ data, at: performance.now() });
    this.updateFlow();
  }

  private end(): void {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    if (!this.disposed && !this.closing) this.head.end();
  }

  private deliver(chunk: Chunk): void {
    this.inFlight -= chunk.data.length;
    if (this.destGone || this.dest.destroyed || this.finished) {
      this.updateFlow();
      return;
    }
    this.counters.sent += chunk.data.length;
    if (!this.dest.write(chunk.data)) this.destBlocked = true;
    this.updateFlow();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.closing) {
      this.host.close();
      return;
    }
    if (!this.destGone && !this.dest.destroyed) this.dest.end();
    this.host.linkDone();
  }

  /** Pauses the source while the chain or the destination is backed up; resumes with hysteresis. */
  private updateFlow(): void {
    const congested = this.destBlocked || this.inFlight > HIGH_WATER_BYTES;
    if (congested && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (this.paused && !this.destBlocked && this.inFlight < LOW_WATER_BYTES) {
      this.paused = false;
      this.source.resume();
    }
  }

  private rewire(): Receiver {
    for (let i = 0; i < this.slots.length; i++) {
      (this.slots[i] as Slot).next = this.slots[i + 1] ?? this.sink;
    }
    return this.slots[0] ?? this.sink;
  }

  resetConnection(): void {
    this.host.reset();
  }
}
