/**
 * The mock providers (src/mock) as upstreams of end-to-end relay tests: started on loopback,
 * closed by `closeAll`, faults applied over their real control API.
 */
import type { DialectName } from '../../../src/mock/dialect.js';
import type { FaultEffect } from '../../../src/mock/fault-spec.js';
import { MockControlClient, type MockFaultRequest } from '../../../src/mock/control-client.js';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import { onCleanup } from './support.js';

const control = new MockControlClient({ timeoutMs: 2_000 });

/** A mock provider answering at once (no time to first token), closed after the test. */
export async function startMock(name: string, dialect: DialectName = 'openai'): Promise<RunningMockProvider> {
  const mock = await startMockProvider({ name, dialect, latencyMs: 0 });
  onCleanup(() => mock.close());
  return mock;
}

/** Applies `fault` (rate 1 unless given) through the mock's control API. */
export function applyFault(mock: RunningMockProvider, fault: FaultEffect & { rate?: number }): Promise<string> {
  return control.apply(mock.url, { rate: 1, ...fault } as MockFaultRequest);
}

/** The base URL a relay provider entry points at for this mock. */
export function baseUrlOf(mock: RunningMockProvider): string {
  return mock.dialect === 'gemini' ? `${mock.url}/v1beta` : `${mock.url}/v1`;
}

/**
 * The providers and model of a relay config with one alias `gpt` over two openai-dialect mocks,
 * `primary` (model `p`, with `primaryExtra` settings) first and `fallback` (model `f`) second.
 */
export function primaryFallbackConfig(
  primary: RunningMockProvider,
  fallback: RunningMockProvider,
  primaryExtra: Record<string, unknown> = {},
): { providers: Record<string, unknown>[]; models: Record<string, unknown> } {
  return {
    providers: [
      { name: 'primary', dialect: 'openai', baseUrl: baseUrlOf(primary), ...primaryExtra },
      { name: 'fallback', dialect: 'openai', baseUrl: baseUrlOf(fallback) },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'primary', model: 'p' },
          { provider: 'fallback', model: 'f' },
        ],
      },
    },
  };
}
