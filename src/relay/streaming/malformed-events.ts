/**
 * The `policies.streams.malformedEvent` policy: what a stream does with an upstream event that
 * cannot be read (not JSON, or a tool-call fragment for a call never opened). `fail` (the
 * default) treats it like a cut: before the first content chunk the chain fails over, after it
 * the client's stream ends with an error event. `skip` drops the event, logs it and counts it in
 * `relay_stream_events_skipped_total{target}`, and the stream goes on.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

export const MALFORMED_EVENT_POLICIES = ['fail', 'skip'] as const;
export type MalformedEventPolicy = (typeof MALFORMED_EVENT_POLICIES)[number];

/** Told about each skipped event: the target that sent it and why it was unreadable. */
export type MalformedEventSink = (target: string, message: string) => void;

/**
 * The sink of the `skip` policy: a counter in `registry` (label: configured target names, a
 * bounded set) and one warn line per skipped event.
 */
export function skippedEventSink(registry: Registry, logger: Logger): MalformedEventSink {
  const skipped = new Counter({
    name: 'relay_stream_events_skipped_total',
    help: 'Malformed upstream stream events dropped under policies.streams.malformedEvent: skip, by target.',
    labelNames: ['target'],
    registers: [registry],
  });
  return (target, message) => {
    skipped.inc({ target });
    logger.warn({ target, reason: message }, 'skipped a malformed upstream stream event');
  };
}
