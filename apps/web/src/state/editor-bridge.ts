// The YAML editor's model is where the text lives while the designer is
// open. Canvas and form actions change it through here, as one undoable
// edit, so undo and redo work the same from either view.

export interface TextModel {
  getValue(): string;
  /** Replaces [start, end) (offsets) with `text`, as one undoable step. */
  replaceRange(start: number, end: number, text: string): void;
}

let model: TextModel | null = null;

export function attachModel(m: TextModel | null): void {
  model = m;
}

export function hasModel(): boolean {
  return model !== null;
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

/** Writes new text into the editor (which then reports the change); false when no editor is open. */
export function writeToEditor(text: string): boolean {
  if (!model) return false;
  const change = minimalReplacement(model.getValue(), text);
  if (change) model.replaceRange(change.start, change.end, change.text);
  return true;
}
