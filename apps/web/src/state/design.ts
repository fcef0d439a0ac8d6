// The React binding of the design session (@hearth/design): the session
// holds the design and its rules; this store mirrors its snapshots for
// components and forwards their intents. Nothing here decides anything.
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Analysis, EditOperation } from '@hearth/template';
import type { DesignInput, DesignSnapshot, Notice, Positions, SaveState, XY } from '@hearth/design';
import { DesignSession, PortReader } from '@hearth/design';
import DesignWorker from './design.worker.ts?worker';

export type { Notice, SaveState } from '@hearth/design';

/**
 * Runs a task once the current frame is painted (a typed character shows
 * before its text is read). The timer covers a hidden page, which paints no
 * frames.
 */
export function afterPaint(task: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    task();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 100);
}

/**
 * The designer's one session; it reads Hearth's local scripts as refused, as a server does by default.
 * Typed text is read for the canvas in a worker; the analysis here, after paint, while a panel shows it.
 */
export const session = new DesignSession({
  now: () => performance.now(),
  scheduleRead: afterPaint,
  // The worker starts, and reads a loaded design, once the page is idle after drawing it.
  reader: new PortReader(
    () => {
      const worker = new DesignWorker();
      // A worker that cannot start, or stops, leaves typed text to be read on the page, as before workers.
      worker.addEventListener('error', () => session.readerFailed());
      return worker;
    },
    (send) =>
      afterPaint(() => (typeof requestIdleCallback === 'function' ? requestIdleCallback(send, { timeout: 2000 }) : setTimeout(send, 200))),
  ),
  analysisSettings: { localScripts: 'refused' },
});

/**
 * The design's analysis, for a component that shows it: while the component is mounted the analysis
 * follows the typed text (read on this thread after each paint); without one it is read only when an
 * intent needs it.
 */
export function useAnalysis(): Analysis | null {
  useEffect(() => session.watchAnalysis(), []);
  return useDesign((s) => s.analysis);
}

let localScripts = false;

/** The server says whether it runs local scripts (`--allow-local-scripts`): the design is read as it reads it. */
export function serverAllowsLocalScripts(allowed: boolean): void {
  if (allowed === localScripts) return;
  localScripts = allowed;
  session.setAnalysisSettings({ localScripts: allowed ? 'allowed' : 'refused' });
}

export interface DesignState extends DesignSnapshot {
  requestFit(): void;
  load(design: DesignInput): void;
  /** The text changed (typed in the editor, or written by an action). */
  textChanged(text: string): void;
  /** Runs an edit operation; returns false (with a notice) when it was refused. `at`: where a new resource goes. */
  apply(op: EditOperation, options?: { at?: XY }): boolean;
  /** Runs edit operations as one change (one undo step). */
  applyAll(ops: EditOperation[]): boolean;
  /** `undoable`: one undo step (the user asked for a layout). */
  setPositions(positions: Positions, options?: { undoable?: boolean }): void;
  moveNodes(moves: Record<string, XY>): void;
  select(names: string[]): void;
  toggleExpanded(name: string): void;
  notify(kind: Notice['kind'], text: string): void;
  setSaveState(state: SaveState): void;
  setDesign(id: string, name: string): void;
  rename(name: string): void;
  setEnvironment(text: string): void;
  setFiles(files: Record<string, string>): void;
}

export const useDesign = create<DesignState>()(() => ({
  ...session.state,
  requestFit: () => session.requestFit(),
  load: (design) => session.load(design),
  textChanged: (text) => session.textChanged(text),
  apply: (op, options) => session.apply(op, options),
  applyAll: (ops) => session.applyAll(ops),
  setPositions: (positions, options) => session.setPositions(positions, options),
  moveNodes: (moves) => session.moveNodes(moves),
  select: (names) => session.select(names),
  toggleExpanded: (name) => session.toggleExpanded(name),
  notify: (kind, text) => session.notify(kind, text),
  setSaveState: (state) => session.setSaveState(state),
  setDesign: (id, name) => session.setDesign(id, name),
  rename: (name) => session.rename(name),
  setEnvironment: (text) => session.setEnvironment(text),
  setFiles: (files) => session.setFiles(files),
}));

session.subscribe((snapshot) => useDesign.setState(snapshot));
