/**
 * Structured JSON logs (pino) to an injectable destination. Credentials are always redacted;
 * prompt and completion text is left out unless `logPrompts: true` (prompts are customer data).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LoggingConfig } from '../config.js';
import type { NormalizedUsage } from '../contract.js';

/** Paths whose values never reach a log line (headers in any common nesting). */
const SECRET_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  '["x-api-key"]',
  'headers["x-api-key"]',
  'req.headers["x-api-key"]',
  '*.headers["x-api-key"]',
  '["x-goog-api-key"]',
  'headers["x-goog-api-key"]',
  'req.headers["x-goog-api-key"]',
  '*.headers["x-goog-api-key"]',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
];
/** Prompt-bearing paths, dropped unless `logPrompts` (defence in depth beside {@link RequestLog}). */
const PROMPT_PATHS = ['messages', '*.messages', 'prompt', '*.prompt', 'completionText', '*.completionText'];

/** One line per request: what happened, never who said what (unless `logPrompts`). */
export interface RequestLog {
  readonly requestId: string;
  /** Client key id (never the key). */
  readonly client: string;
  readonly model: string;
  readonly stream: boolean;
  readonly status: number;
  /** Serving target, if any. */
  readonly target?: string | undefined;
  readonly attempts: number;
  readonly latencyMs: number;
  readonly overheadMs?: number | undefined;
  readonly usage?: NormalizedUsage | undefined;
  readonly costUsd?: number | undefined;
  readonly cache?: 'hit' | 'miss' | 'bypass' | undefined;
  readonly failures?:
    readonly { readonly target: string; readonly kind: string; readonly detail: string }[] | undefined;
  /** Logged only with `logPrompts: true`. */
  readonly messages?: unknown;
  /** Logged only with `logPrompts: true`. */
  readonly completionText?: string | undefined;
}

export interface RelayLogger {
  readonly logger: Logger;
  /** Writes out buffered lines (call before exit). */
  flush(): void;
  /** Writes one `request` line (level info, or warn for 5xx). */
  logRequest(record: RequestLog): void;
  /** True when a request line with this status would be written (so callers skip building it). */
  logsStatus(status: number): boolean;
}

export type LoggerOptions = Pick<LoggingConfig, 'level' | 'logPrompts'> & {
  /** Where lines go; stdout (fd 1) by default. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
};

export function createRelayLogger(options: LoggerOptions): RelayLogger {
  const { logPrompts } = options;
  // Buffered and asynchronous: a synchronous write per request halves the relay's throughput.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino(
    {
      level: options.level,
      base: { service: 'relay' },
      redact: { paths: logPrompts ? SECRET_PATHS : [...SECRET_PATHS, ...PROMPT_PATHS], censor: censorFor },
    },
    destination,
  );
  // Request lines have a fixed shape ({@link RequestLog}) that holds no credentials, and prompts
  // are dropped by withoutPrompts(): path redaction there would cost ~17 µs per request for nothing.
  const requests = pino({ level: options.level, base: { service: 'relay' } }, destination);
  const infoOn = requests.isLevelEnabled('info');
  const warnOn = requests.isLevelEnabled('warn');
  return {
    logger,
    flush: () => logger.flush(),
    logRequest(record) {
      const line = logPrompts ? record : withoutPrompts(record);
      if (record.status >= 500) requests.warn(line, 'request');
      else requests.info(line, 'request');
    },
    logsStatus: (status) => (status >= 500 ? warnOn : infoOn),
  };
}

function censorFor(_value: unknown, path: string[]): string {
  const last = path[path.length - 1] ?? '';
  return PROMPT_PATHS.includes(last) ? '[prompt omitted]' : '[Redacted]';
}

function withoutPrompts(record: RequestLog): RequestLog {
  if (record.messages === undefined && record.completionText === undefined) return record;
  const { messages: _messages, completionText: _completion, ...rest } = record;
  return rest;
}
