// Where the session writes the text when an edit operation changes it. In
// the designer that is the YAML editor's model (so that canvas and form
// edits are undoable steps in the editor, as typed ones are); the editor
// then reports the change back, as it does for typing.

export interface TextModel {
  getValue(): string;
  /** Replaces [start, end) (offsets) with `text`, as one undoable step. */
  replaceRange(start: number, end: number, text: string): void;
  /**
   * A number for the text's place in its undo history, which an undo takes back to (Monaco's
   * alternative version id): node moves are undone in turn with the edits by it (MoveHistory).
   */
  version?(): number;
}

/** The smallest single replacement that turns `before` into `after`. */
export function minimalReplacement(before: string, after: string): { start: number; end: number; text: string } | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}

/** Writes `text` into the model as one replacement of the span that changed. */
export function writeMinimal(model: TextModel, text: string): void {
  const change = minimalReplacement(model.getValue(), text);
  if (change) model.replaceRange(change.start, change.end, change.text);
}
