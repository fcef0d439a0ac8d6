// What the rest of the designer asks of the YAML editor (reveal a line,
// undo, redo), without loading it: the editor (Monaco, most of the app's
// code) loads after the canvas has drawn, and registers these while it is
// mounted. Before that there is nothing to reveal, and only node moves to undo.
import { session } from '../state/design.ts';

/** The template, the environment, or a design file (`file:<path>`). */
export type EditorWhere = 'template' | 'environment' | `file:${string}`;

export interface EditorCommands {
  revealLine(line: number, column: number, where: EditorWhere): void;
  undo(): void;
  redo(): void;
}

let mounted: EditorCommands | null = null;

/** The mounted editor registers its commands; the returned function unregisters them. */
export function registerEditor(commands: EditorCommands): () => void {
  mounted = commands;
  return () => {
    if (mounted === commands) mounted = null;
  };
}

/** Moves the editor to a line of the template or the environment (from a node badge, a problem, a failed resource). */
export function revealLine(line: number, column = 1, where: EditorWhere = 'template'): void {
  mounted?.revealLine(line, column, where);
}

/** Undo from outside the editor (canvas, toolbar) undoes the template's last change, whichever tab shows. */
export function editorUndo(): void {
  if (mounted) mounted.undo();
  else session.undoMove();
}

export function editorRedo(): void {
  if (mounted) mounted.redo();
  else session.redoMove();
}
