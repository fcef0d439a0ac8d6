// Runs a dependency graph: each node starts the moment every node it
// requires has completed (no polling, no waves). After a failure or a stop
// no new node starts; the running ones finish; then the walk ends.

export interface WalkResult {
  completed: string[];
  failed: Array<{ node: string; error: unknown }>;
  /** Nodes that never started (after a failure, a stop, or a failed requirement). */
  skipped: string[];
}

export interface WalkOptions {
  /** At most this many nodes run at once (default: no limit). */
  concurrency?: number;
  /** Called when a node is about to start, with its requirements' state. */
  onStart?: (node: string) => void;
}

export class DagWalker {
  private readonly pending = new Map<string, number>();
  private readonly dependents = new Map<string, string[]>();
  private readonly ready: string[] = [];
  private readonly completed: string[] = [];
  private readonly failed: Array<{ node: string; error: unknown }> = [];
  private running = 0;
  private stopped = false;
  private finish!: (r: WalkResult) => void;

  constructor(
    private readonly nodes: readonly string[],
    requires: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly run: (node: string) => Promise<void>,
    private readonly options: WalkOptions = {},
  ) {
    const known = new Set(nodes);
    for (const node of nodes) {
      const deps = [...(requires.get(node) ?? [])].filter((d) => known.has(d) && d !== node);
      this.pending.set(node, deps.length);
      for (const d of deps) {
        const list = this.dependents.get(d);
        if (list) list.push(node);
        else this.dependents.set(d, [node]);
      }
    }
  }

  /** Stops starting nodes; those running finish. */
  stop(): void {
    this.stopped = true;
    this.maybeFinish();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  walk(): Promise<WalkResult> {
    const done = new Promise<WalkResult>((resolve) => {
      this.finish = resolve;
    });
    for (const node of this.nodes) if (this.pending.get(node) === 0) this.ready.push(node);
    this.pump();
    this.maybeFinish();
    return done;
  }

  private pump(): void {
    const limit = this.options.concurrency ?? Infinity;
    while (!this.stopped && this.ready.length && this.running < limit) {
      const node = this.ready.shift()!;
      this.running++;
      this.options.onStart?.(node);
      this.run(node).then(
        () => this.settle(node, null),
        (error: unknown) => this.settle(node, error ?? new Error('failed')),
      );
    }
  }

  private settle(node: string, error: unknown): void {
    this.running--;
    if (error !== null) {
      this.failed.push({ node, error });
      this.stopped = true;
    } else {
      this.completed.push(node);
      for (const d of this.dependents.get(node) ?? []) {
        const left = this.pending.get(d)! - 1;
        this.pending.set(d, left);
        if (left === 0) this.ready.push(d);
      }
    }
    this.pump();
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (!this.finish || this.running > 0) return;
    if (!this.stopped && this.ready.length > 0) return;
    const done = new Set([...this.completed, ...this.failed.map((f) => f.node)]);
    const finish = this.finish;
    this.finish = undefined as unknown as (r: WalkResult) => void;
    finish({ completed: this.completed, failed: this.failed, skipped: this.nodes.filter((n) => !done.has(n)) });
  }
}
