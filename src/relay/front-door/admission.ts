/**
 * One completion request's place in the {@link Bulkhead}: an unread-body place from its start
 * until the body has arrived (`end`), then an in-flight slot until the response closes. The
 * handler reads {@link Admission.overloaded} once it has the body: when the in-flight slots filled
 * up meanwhile, it answers 503 instead of working.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bulkhead } from './bulkhead.js';
import type { RelayMetrics } from './metrics.js';

type State = 'reading' | 'admitted' | 'refused' | 'closed';

export class Admission {
  private state: State = 'reading';

  constructor(
    private readonly bulkhead: Bulkhead,
    private readonly metrics: RelayMetrics | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    metrics?.unreadBodies.inc();
    // Registered before the handler reads the body, so the decision is made when its read resolves.
    req.once('end', this.onBodyRead);
    res.once('close', this.onClose);
  }

  /** `Retry-After` for the 503. */
  get retryAfter(): string {
    return this.bulkhead.retryAfter;
  }

  /** True once the body arrived and no in-flight slot was free: answer 503 + Retry-After. */
  get overloaded(): boolean {
    return this.state === 'refused';
  }

  private readonly onBodyRead = (): void => {
    if (this.state !== 'reading') return;
    this.metrics?.unreadBodies.dec();
    if (this.bulkhead.bodyRead()) {
      this.state = 'admitted';
      this.metrics?.inFlight.inc();
    } else {
      this.state = 'refused';
      this.metrics?.refusedBy('overload').inc();
    }
  };

  private readonly onClose = (): void => {
    const was = this.state;
    this.state = 'closed';
    if (was === 'reading') {
      this.bulkhead.abandonRead();
      this.metrics?.unreadBodies.dec();
    } else if (was === 'admitted') {
      this.bulkhead.release();
      this.metrics?.inFlight.dec();
    }
  };
}
