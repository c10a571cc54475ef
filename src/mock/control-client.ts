/**
 * The harness's way to a mock provider's HTTP-level faults, over its control API:
 * `POST /_mock/faults` -> 201 `{ id }`, `DELETE /_mock/faults/{id}` -> 204 (404: already gone),
 * `DELETE /_mock/faults` -> 200 `{ removed }`. Every call has a deadline, so a hung mock cannot
 * hang a rollback.
 */
import { request } from 'undici';
import { FaultPlaneError } from '../errors.js';
import { dispatcherTrusting } from '../net/trust.js';
import type { FaultEffect } from './fault-spec.js';

/** A fault as the control API takes it: the effect and the share of requests it hits. */
export type MockFaultRequest = FaultEffect & { rate: number };

export interface MockControlClientOptions {
  /** Deadline per call. */
  timeoutMs?: number;
  /** The extra CA to trust for a mock served over TLS by a stand-in certificate. */
  caFileOf?: (baseUrl: string) => string | undefined;
}

export class MockControlClient {
  private readonly timeoutMs: number;
  private readonly caFileOf: (baseUrl: string) => string | undefined;

  constructor(options: MockControlClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.caFileOf = options.caFileOf ?? (() => undefined);
  }

  /**
   * Adds a fault to the mock at `baseUrl` and returns its id. `expireAfterMs` makes the mock drop
   * it by itself too: a safety net should the harness never get to remove it.
   */
  async apply(baseUrl: string, fault: MockFaultRequest, expireAfterMs?: number): Promise<string> {
    const body = expireAfterMs === undefined ? fault : { ...fault, for: expireAfterMs };
    const { status, json } = await this.call(
      baseUrl,
      'POST',
      '/_mock/faults',
      `add ${fault.kind}`,
      JSON.stringify(body),
    );
    const id = (json as { id?: unknown } | undefined)?.id;
    if (status !== 201 || typeof id !== 'string') throw this.error(baseUrl, `add ${fault.kind}`, status, json);
    return id;
  }

  /** Removes one fault; one that is already gone (expired, mock restarted) counts as removed. */
  async remove(baseUrl: string, id: string): Promise<void> {
    const { status, json } = await this.call(
      baseUrl,
      'DELETE',
      `/_mock/faults/${encodeURIComponent(id)}`,
      `remove fault ${id}`,
    );
    if (status !== 204 && status !== 404) throw this.error(baseUrl, `remove fault ${id}`, status, json);
  }

  /** Removes every fault on the mock; returns how many there were. */
  async clear(baseUrl: string): Promise<number> {
    const { status, json } = await this.call(baseUrl, 'DELETE', '/_mock/faults', 'clear faults');
    const removed = (json as { removed?: unknown } | undefined)?.removed;
    if (status !== 200 || typeof removed !== 'number') throw this.error(baseUrl, 'clear faults', status, json);
    return removed;
  }

  private async call(
    baseUrl: string,
    method: 'POST' | 'DELETE',
    path: string,
    what: string,
    body?: string,
  ): Promise<{ status: number; json: unknown }> {
    try {
      const dispatcher = dispatcherTrusting(this.caFileOf(baseUrl));
      const response = await request(new URL(path, baseUrl), {
        method,
        ...(dispatcher === undefined ? {} : { dispatcher }),
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.body.text();
      return { status: response.statusCode, json: text ? safeJson(text) : undefined };
    } catch (error) {
      throw new FaultPlaneError(`mock at ${baseUrl}: could not ${what}: ${(error as Error).message}`, { cause: error });
    }
  }

  private error(baseUrl: string, what: string, status: number, json: unknown): FaultPlaneError {
    const detail = (json as { error?: unknown } | undefined)?.error;
    return new FaultPlaneError(
      `mock at ${baseUrl}: could not ${what}: HTTP ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
