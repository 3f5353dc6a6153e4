// Worker entry for model training: registers tsx in this thread (the parent's --import does not
// reach worker threads on every Node version), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./trainWorker.ts');
