// The analysis worker run from its TypeScript source (tests, and anything
// else that runs the server without building it): tsx is registered in this
// thread first, since a worker does not inherit its parent's loaders.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
