/**
 * Active health checks: every `intervalMs`, one cheap GET per provider (its models list), bounded
 * by `timeoutMs`. The result goes to `onResult`, which the engine turns into breaker input
 * (failures count; a success lets an open breaker probe sooner). A check still running when the
 * next is due is not doubled. An HTTP answer below 500 means the provider is up (401 included:
 * that is a key problem, and requests will say so themselves).
 */
import type { DialectName } from '../contract.js';

export interface HealthCheckOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export const healthCheckDefaults: HealthCheckOptions = Object.freeze({ intervalMs: 15_000, timeoutMs: 3_000 });

/** What a check needs of a target (a RelayTarget fits). */
export interface HealthCheckTarget {
  readonly provider: string;
  readonly dialect: DialectName;
  readonly origin: string;
  readonly basePath: string;
  readonly search: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** `fetch`, or a fake in tests. Only the status is read; the body is the fetcher's to release. */
export type HealthFetch = (
  url: string,
  init: { headers: Readonly<Record<string, string>>; signal: AbortSignal },
) => Promise<{ status: number }>;

/** Called after every check. `detail`: `HTTP 200`, `timeout`, or the error's code or name. */
export type HealthListener = (provider: string, healthy: boolean, detail: string) => void;

/** The default fetcher: global fetch, body discarded so the socket goes back to the pool. */
export const defaultHealthFetch: HealthFetch = async (url, init) => {
  const res = await fetch(url, { method: 'GET', headers: init.headers, signal: init.signal });
  await res.body?.cancel();
  return { status: res.status };
};

export class HealthChecker {
  private readonly probes = new Map<string, HealthCheckTarget>();
  private readonly running = new Set<string>();
  private readonly controllers = new Set<AbortController>();
  private interval: ReturnType<typeof setInterval> | undefined;

  /** @param targets one check per distinct provider (its first target's URL and headers). */
  constructor(
    targets: readonly HealthCheckTarget[],
    private readonly onResult: HealthListener,
    private readonly options: HealthCheckOptions = healthCheckDefaults,
    private readonly fetcher: HealthFetch = defaultHealthFetch,
  ) {
    for (const field of ['intervalMs', 'timeoutMs'] as const) {
      if (!(options[field] > 0))
        throw new RangeError(`healthCheck.${field}: expected a number > 0, got ${String(options[field])}`);
    }
    for (const target of targets) if (!this.probes.has(target.provider)) this.probes.set(target.provider, target);
  }

  /** Checks every `intervalMs` (first check after one interval). Idempotent. */
  start(): void {
    if (this.interval !== undefined) return;
    // One shared timer for all providers; unref'd so it never keeps the process alive.
    this.interval = setInterval(() => void this.checkAll(), this.options.intervalMs);
    this.interval.unref();
  }

  /** Stops the timer and aborts checks in flight. */
  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
    for (const controller of this.controllers)
      controller.abort(new DOMException('health checks stopped', 'AbortError'));
  }

  /** Runs one check per provider now (skipping those still running). */
  async checkAll(): Promise<void> {
    await Promise.all(Array.from(this.probes.values(), (target) => this.check(target)));
  }

  private async check(target: HealthCheckTarget): Promise<void> {
    if (this.running.has(target.provider)) return;
    this.running.add(target.provider);
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(
      () => controller.abort(new DOMException('health check timed out', 'TimeoutError')),
      this.options.timeoutMs,
    );
    let healthy: boolean;
    let detail: string;
    try {
      const { status } = await this.fetcher(healthUrl(target), { headers: target.headers, signal: controller.signal });
      healthy = status < 500;
      detail = `HTTP ${status}`;
    } catch (error) {
      healthy = false;
      detail =
        controller.signal.reason instanceof DOMException && controller.signal.reason.name === 'TimeoutError'
          ? 'timeout'
          : describe(error);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
      this.running.delete(target.provider);
    }
    // Stopped mid-check: the answer says nothing about the provider.
    if (controller.signal.aborted && detail !== 'timeout') return;
    this.onResult(target.provider, healthy, detail);
  }
}

/** The models list of each dialect: cheap, authenticated, no tokens spent. */
export function healthUrl(target: HealthCheckTarget): string {
  switch (target.dialect) {
    case 'openai':
    case 'gemini':
      return `${target.origin}${target.basePath}/models${target.search}`;
    case 'anthropic': {
      // Anthropic's SDK base URL has no version prefix (https://api.anthropic.com).
      const path = target.basePath.endsWith('/v1') ? target.basePath : `${target.basePath}/v1`;
      return `${target.origin}${path}/models${target.search}`;
    }
    default: {
      const unreachable: never = target.dialect;
      return unreachable;
    }
  }
}

function describe(error: unknown): string {
  const { code, cause, name } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  if (typeof code === 'string') return code;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof name === 'string' ? name : 'error';
}
