// Node moves as undo steps among the template's edits. The template's
// history is the editor's own (Monaco's); a move remembers the template's
// version when it was made (the editor model's alternative version id, which
// an undo takes back to) and is undone when the template is at that version
// again: once every edit made after it has been undone. Redo mirrors it, so
// that moves and edits come back in the order they were made.
import type { Positions } from './layout.ts';

interface Move {
  /** The template's version when the move was made. */
  version: number;
  before: Positions;
  after: Positions;
}

export class MoveHistory {
  private undos: Move[] = [];
  private redos: Move[] = [];
  /** The newest template version seen since the editor opened (null: none yet). */
  private newest: number | null = null;

  /** A move (a drag, an automatic layout) made at the template's `version`. */
  record(version: number, before: Positions, after: Positions): void {
    this.undos.push({ version, before, after });
    this.redos = [];
  }

  /** The positions to go back to when the last step at `version` is a move; null: it is the template's. */
  undo(version: number): Positions | null {
    return MoveHistory.take(this.undos, this.redos, version)?.before ?? null;
  }

  /** The positions to go forward to when the next step to redo at `version` is a move; null: it is the template's. */
  redo(version: number): Positions | null {
    return MoveHistory.take(this.redos, this.undos, version)?.after ?? null;
  }

  /** Moves the last move of `from` to `to` when it was made at `version`. */
  private static take(from: Move[], to: Move[], version: number): Move | null {
    const move = from.at(-1);
    if (!move || move.version !== version) return null;
    from.pop();
    to.push(move);
    return move;
  }

  /**
   * The template is now at `version`. A version newer than any seen is a new edit: after it no undone
   * edit can be redone, and no undone move either (the editor's version ids grow with each new edit
   * and go back to earlier ones with undo).
   */
  templateAt(version: number): void {
    if (this.newest !== null && version > this.newest) this.redos = [];
    if (this.newest === null || version > this.newest) this.newest = version;
  }

  /** Gives every move the version `to` maps its own to (moves made before the editor opened, once it has). */
  rebase(to: (version: number) => number): void {
    for (const move of [...this.undos, ...this.redos]) move.version = to(move.version);
    this.newest = null;
  }

  /** A new design: nothing to undo. */
  clear(): void {
    this.undos = [];
    this.redos = [];
    this.newest = null;
  }
}
