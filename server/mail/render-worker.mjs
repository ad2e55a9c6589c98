// The worker threads' entry: the server runs TypeScript through tsx (and the tests through
// vitest), and neither carries over to a worker thread, so the worker registers tsx itself.
import { register } from 'tsx/esm/api';

register();
const { default: renderTask } = await import('./render-worker.ts');
export default renderTask;
