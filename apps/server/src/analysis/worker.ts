// An analysis worker thread: runs the tasks the pool sends, one at a time.
import { parentPort } from 'node:worker_threads';
import { runTask, type AnalysisTask } from './tasks.ts';

parentPort!.on('message', (message: { id: number; task: AnalysisTask }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: runTask(message.task) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
