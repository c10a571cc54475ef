/**
 * The original entry point, kept for existing callers: `startMockProvider` now serves every
 * dialect (see `provider.ts`); `dialect` defaults to `openai`.
 */
export {
  mockProviderDefaults,
  startMockProvider,
  type MockProviderOptions,
  type RunningMockProvider,
} from './provider.js';
