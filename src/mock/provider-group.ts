/** Several mock providers started and stopped together (`relaybench mock --config`). */
import { startMockProvider, type MockProviderOptions, type RunningMockProvider } from './provider.js';

export interface RunningMockGroup {
  /** `name=url` pairs, space-separated, for humans. */
  readonly url: string;
  readonly providers: readonly RunningMockProvider[];
  close(): Promise<void>;
}

/** Starts every provider; if one fails, stops those that started and rethrows. */
export async function startMockProviders(list: readonly MockProviderOptions[]): Promise<RunningMockGroup> {
  const settled = await Promise.allSettled(list.map((options) => startMockProvider(options)));
  const providers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(providers.map((p) => p.close()));
    throw failed.reason;
  }
  return {
    url: providers.map((p) => `${p.name}(${p.dialect})=${p.url}`).join(' '),
    providers,
    close: async () => {
      await Promise.all(providers.map((p) => p.close()));
    },
  };
}
