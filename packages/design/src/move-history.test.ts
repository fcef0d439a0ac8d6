import { describe, expect, it } from 'vitest';
import { MoveHistory } from './move-history.ts';

const at = (x: number) => ({ a: { x, y: 0 } });

describe('move history', () => {
  it('undoes a move once the edits made after it are undone, and redoes in the order things were made', () => {
    const history = new MoveHistory();
    // Version 1: a move; then an edit (version 2); then another move.
    history.record(1, at(0), at(100));
    history.record(2, at(100), at(200));
    // Undo: the last move (the template is at version 2).
    expect(history.undo(2)).toEqual(at(100));
    // Undo again at version 2: the edit's turn (the editor undoes it), not the first move.
    expect(history.undo(2)).toBeNull();
    // The edit undone, the template is back at version 1: the first move.
    expect(history.undo(1)).toEqual(at(0));
    expect(history.undo(1)).toBeNull();
    // Redo: the first move, then (at version 1) the edit is the editor's, then the second move.
    expect(history.redo(1)).toEqual(at(100));
    expect(history.redo(1)).toBeNull();
    expect(history.redo(2)).toEqual(at(200));
    expect(history.redo(2)).toBeNull();
  });

  it('a new move ends what could be redone; a new design ends everything', () => {
    const history = new MoveHistory();
    history.record(1, at(0), at(100));
    expect(history.undo(1)).toEqual(at(0));
    history.record(1, at(0), at(50));
    expect(history.redo(1)).toBeNull();
    history.clear();
    expect(history.undo(1)).toBeNull();
  });

  it('moves rebased to new versions undo and redo at those', () => {
    const history = new MoveHistory();
    history.record(-1, at(0), at(100));
    history.record(-2, at(100), at(200));
    expect(history.undo(-2)).toEqual(at(100));
    history.rebase((v) => v + 10);
    expect(history.undo(-1)).toBeNull();
    expect(history.undo(9)).toEqual(at(0));
    expect(history.redo(9)).toEqual(at(100));
    expect(history.redo(8)).toEqual(at(200));
  });

  it('a new version of the template (a new edit) ends what could be redone; going back to an earlier one does not', () => {
    const history = new MoveHistory();
    history.templateAt(3);
    history.record(3, at(0), at(100));
    expect(history.undo(3)).toEqual(at(0));
    history.templateAt(2); // an edit undone
    history.templateAt(3); // and redone
    expect(history.redo(3)).toEqual(at(100));
    expect(history.undo(3)).toEqual(at(0));
    history.templateAt(4); // a new edit
    history.templateAt(3); // undone
    expect(history.redo(3)).toBeNull();
  });
});
