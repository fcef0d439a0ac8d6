// Resource actions as pg-boss jobs. A job only names a node ("check node K of
// phase P in traversal T"); everything else is in the database. Jobs are
// enqueued in the transaction that makes them due, so a crash never loses or
// invents one; a worker that dies leaves its jobs active until they expire,
// and pg-boss gives them to another worker.
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import { GroupCommit } from '@hearth/engine';
import { listenTo, withStartupLock, type Database, type Listening, type Store } from '@hearth/store';
import type { NodeRef, PhaseRef } from './traversals.ts';

export const NODE_QUEUE = 'hearth-node';
export const PHASE_QUEUE = 'hearth-phase';
const JOBS_CHANNEL = 'hearth_jobs';

export interface QueueSettings {
  /** Seconds a job may stay active before pg-boss gives it to another worker (default 30). */
  expirySeconds: number;
  /** Seconds between pg-boss's checks for expired jobs (default 5). */
  superviseSeconds: number;
  /** Seconds an idle worker waits before looking for due jobs again (default 0.5). */
  pollSeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { expirySeconds: 30, superviseSeconds: 5, pollSeconds: 0.5 };

export type DueJob = { queue: typeof NODE_QUEUE; data: NodeRef; startAfter?: Date } | { queue: typeof PHASE_QUEUE; data: PhaseRef };

export interface JobHandlers {
  node(job: NodeRef): Promise<void>;
  phase(job: PhaseRef): Promise<void>;
}

/** pg-boss runs its statements on the caller's transaction through this. */
function inTransaction(db: Kysely<Database> | Transaction<Database>): {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
} {
  return {
    async executeSql(text, values) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
}

export class JobQueue {
  private stopping = false;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private listening: Listening | null = null;
  private loop: Promise<void> | null = null;
  /**
   * Jobs that end together are completed in one statement per queue. A
   * completion lost to a crash only means the job runs again, and every job
   * is idempotent.
   */
  private readonly completions = new Map(
    [NODE_QUEUE, PHASE_QUEUE].map((name) => [
      name,
      new GroupCommit<string, void>(async (ids) => {
        await this.boss.complete(name, ids);
        return ids.map(() => undefined);
      }),
    ]),
  );

  private constructor(
    private readonly boss: PgBoss,
    private readonly url: string,
    readonly settings: QueueSettings,
  ) {}

  static async open(url: string, settings: Partial<QueueSettings> = {}): Promise<JobQueue> {
    const s = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      expireInSeconds: s.expirySeconds,
      maintenanceIntervalSeconds: Math.max(1, Math.round(s.superviseSeconds)),
      monitorStateIntervalSeconds: 3600,
      schedule: false,
    });
    boss.on('error', (error: Error) => console.error(`hearth: job queue: ${error.message}`));
    await withStartupLock(url, async () => {
      await boss.start();
      for (const name of [NODE_QUEUE, PHASE_QUEUE]) {
        // A job's handler never throws for a resource's failure (that is recorded in the stack);
        // it throws only when the database did, and then it is worth retrying.
        await boss.createQueue(name, { name, retryLimit: 50, retryDelay: 1, expireInSeconds: s.expirySeconds });
      }
    });
    return new JobQueue(boss, url, s);
  }

  /** Enqueues jobs in the caller's transaction; workers are woken when it commits. */
  async enqueue(tx: Store, jobs: DueJob[]): Promise<void> {
    if (!jobs.length) return;
    const db = inTransaction(tx.db);
    await this.boss.insert(
      jobs.map((j) => ({
        name: j.queue,
        data: j.data,
        expireInSeconds: this.settings.expirySeconds,
        ...('startAfter' in j && j.startAfter ? { startAfter: j.startAfter } : {}),
      })),
      { db },
    );
    await db.executeSql(`select pg_notify('${JOBS_CHANNEL}', '')`, []);
  }

  /** Runs jobs, at most `concurrency` at once, until stop(). */
  async work(handlers: JobHandlers, concurrency: number): Promise<void> {
    this.listening = await listenTo(this.url, JOBS_CHANNEL, () => this.wakeUp(), 'job notifications');
    this.loop = this.fetchLoop(handlers, concurrency);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async fetchLoop(handlers: JobHandlers, concurrency: number): Promise<void> {
    while (!this.stopping) {
      let fetched = 0;
      try {
        // Phase ends first: they start the next phase's work.
        for (const name of [PHASE_QUEUE, NODE_QUEUE] as const) {
          const free = concurrency - this.inFlight;
          if (free <= 0 || this.stopping) break;
          const jobs = await this.boss.fetch<NodeRef & PhaseRef>(name, { batchSize: free });
          fetched += jobs.length;
          for (const job of jobs) this.run(name, job, handlers);
        }
      } catch (error) {
        if (!this.stopping) console.error(`hearth: fetching jobs: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.stopping) break;
      if (fetched === 0 || this.inFlight >= concurrency) await this.sleep(this.settings.pollSeconds * 1000);
    }
  }

  private run(name: typeof NODE_QUEUE | typeof PHASE_QUEUE, job: PgBoss.Job<NodeRef & PhaseRef>, handlers: JobHandlers): void {
    this.inFlight++;
    const work = name === NODE_QUEUE ? handlers.node(job.data) : handlers.phase(job.data);
    void work
      .then(
        () => this.completions.get(name)!.add(job.id),
        (error: unknown) => {
          console.error(
            `hearth: job ${name} ${JSON.stringify(job.data)} failed, to be retried: ${error instanceof Error ? error.message : String(error)}`,
          );
          return this.boss.fail(name, job.id);
        },
      )
      .catch((error: unknown) => console.error(`hearth: could not record job ${job.id}: ${String(error)}`))
      .finally(() => {
        this.inFlight--;
        this.wakeUp();
      });
  }

  get running(): number {
    return this.inFlight;
  }

  /** Stops taking jobs; waits (up to `graceMs`) for those running. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wakeUp();
    await this.loop;
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.listening?.stop();
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }
}
