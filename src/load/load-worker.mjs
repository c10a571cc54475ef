// A worker thread starts without the main thread's TypeScript loader: register it, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./load-worker-main.ts');
