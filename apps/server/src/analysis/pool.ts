// Analysis off the server's event loop. Requests ask the server to read and
// evaluate templates anyone can write; a runaway template (a regular
// expression that backtracks forever, an evaluation that outgrows memory)
// must end its own thread, never the server. Each worker thread runs one
// task at a time with a heap limit, each task has a time limit, and the
// queue is bounded: beyond it the server says it is busy.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisTask, TaskResult } from './tasks.ts';

export interface PoolOptions {
  /** Worker threads (default: one per core beyond the first, at least one, at most two). */
  size?: number;
  /** How long one task may run, in milliseconds. */
  timeoutMs?: number;
  /** How much heap one worker may use, in MB. */
  heapMb?: number;
  /** Tasks that may wait for a worker (beyond one running in each); more are refused at once. */
  maxQueue?: number;
}

export const DEFAULT_POOL: Required<PoolOptions> = {
  size: Math.min(2, Math.max(1, availableParallelism() - 1)),
  timeoutMs: 10_000,
  heapMb: 512,
  maxQueue: 64,
};

export type PoolRefusalReason = 'TIMEOUT' | 'MEMORY' | 'BUSY' | 'CRASHED' | 'CLOSED';

/** A task the pool would not or could not finish, with a sentence for the user. */
export class AnalysisRefused extends Error {
  constructor(
    message: string,
    readonly reason: PoolRefusalReason,
  ) {
    super(message);
  }
}

interface Job {
  id: number;
  task: AnalysisTask;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has loaded its code: a task's time starts only then. */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/** The worker's code: the bundled file beside the server's bundle, or the TypeScript source run through tsx. */
function workerEntry(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./worker-source.mjs', here) : new URL('./analysis-worker.mjs', here);
}

export class AnalysisPool {
  private readonly options: Required<PoolOptions>;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers that died before they were ready, in a row: past a few, the pool stops starting them. */
  private failedStarts = 0;

  constructor(options: PoolOptions = {}) {
    this.options = { ...DEFAULT_POOL, ...options };
    for (let i = 0; i < this.options.size; i++) this.slots.push(this.spawn());
  }

  run(task: AnalysisTask): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new AnalysisRefused('Hearth is stopping.', 'CLOSED'));
    const inFlight = this.queue.length + this.slots.filter((s) => s.job).length;
    if (inFlight >= this.options.size + this.options.maxQueue) {
      return Promise.reject(
        new AnalysisRefused(`Hearth is analysing ${inFlight} templates already, the most it takes at once; try again in a moment.`, 'BUSY'),
      );
    }
    while (this.slots.length < this.options.size) this.slots.push(this.spawn());
    return new Promise<TaskResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new AnalysisRefused('Hearth is stopping.', 'CLOSED'));
    await Promise.all(
      this.slots.map((slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.job?.reject(new AnalysisRefused('Hearth is stopping.', 'CLOSED'));
        slot.job = null;
        return slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: 32 },
    });
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    worker.on('message', (message: { ready?: true; id: number; result?: TaskResult; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        this.failedStarts = 0;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      this.finish(slot);
      if (message.error !== undefined) job.reject(new Error(`Analysis failed: ${message.error}`));
      else job.resolve(message.result!);
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.replace(
        slot,
        memory
          ? new AnalysisRefused(
              `The template needed more than ${this.options.heapMb} MB to analyse, the most Hearth gives one template; it was stopped.`,
              'MEMORY',
            )
          : new AnalysisRefused(`The analysis of the template failed: ${error.message}`, 'CRASHED'),
      );
    });
    worker.on('exit', () => {
      if (!this.closed && this.slots.includes(slot)) {
        this.replace(slot, new AnalysisRefused('The analysis of the template stopped unexpectedly.', 'CRASHED'));
      }
    });
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  /** Ends a worker (and the task it held, with `error`) and starts another in its place. */
  private replace(slot: Slot, error: AnalysisRefused): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.job;
    this.finish(slot);
    this.slots.splice(index, 1);
    void slot.worker.terminate();
    job?.reject(error);
    if (this.closed) return;
    if (!slot.ready && ++this.failedStarts >= 3) {
      // Workers cannot even start (too little memory for the code itself?): say so rather than retry
      // forever; the next task tries again.
      for (const waiting of this.queue.splice(0))
        waiting.reject(new AnalysisRefused(`Hearth's analysis workers cannot start: ${error.message}`, 'CRASHED'));
      this.failedStarts = 0;
      return;
    }
    this.slots.push(this.spawn());
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        this.replace(
          slot,
          new AnalysisRefused(
            `The template took longer than ${this.options.timeoutMs / 1000} s to analyse, the most Hearth gives one template; it was stopped.`,
            'TIMEOUT',
          ),
        );
      }, this.options.timeoutMs);
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  }
}
