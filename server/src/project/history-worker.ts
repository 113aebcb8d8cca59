// Worker thread that computes the dashboard's burn-up history (git-history.ts), so the language
// server keeps answering while the engine analyses commits. Bundled to dist/server/history-worker.js.
import { parentPort, workerData } from 'worker_threads';
import { computeHistory } from './git-history';

const data = workerData as { root: string; maxSamples?: number };
computeHistory(data.root, {
  maxSamples: data.maxSamples,
  onProgress: (done, total, commit) => parentPort?.postMessage({ type: 'progress', done, total, commit }),
}).then(
  (history) => parentPort?.postMessage({ type: 'done', history }),
  (error: unknown) => parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
);
