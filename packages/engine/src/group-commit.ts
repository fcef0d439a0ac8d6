// Work that arrives together shares one commit: items added in the same turn
// of the event loop, or while the previous commit runs, go in the next one.
// A thousand writes at once cost a few commits instead of a thousand. When a
// shared commit fails, each of its items is tried again alone, so that one bad
// item fails only itself.

interface Pending<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  private waiting: Pending<I, O>[] = [];
  private draining = false;

  /**
   * @param commit writes the items in one transaction; returns one result per item, in order.
   * @param maxItems the most items one commit takes.
   */
  constructor(
    private readonly commit: (items: I[]) => Promise<O[]>,
    private readonly maxItems = Infinity,
  ) {}

  /** Resolves with the item's result once the commit that took it is done. */
  add(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxItems);
      try {
        const results = await this.commit(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else await this.oneByOne(batch);
      }
    }
    this.draining = false;
  }

  private async oneByOne(batch: Pending<I, O>[]): Promise<void> {
    for (const p of batch) {
      try {
        const [result] = await this.commit([p.item]);
        p.resolve(result!);
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
