#!/usr/bin/env node
// Entry point: run the TypeScript sources through tsx's loader, so `npx relaybench` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
