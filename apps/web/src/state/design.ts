// The open design: its text (the one source of truth), what the text means
// (analysis, graph), node positions, selection, and the actions that change
// them. Canvas and form actions are edit operations on the text.
import { create } from 'zustand';
import type { Analysis, EditOperation } from '@hearth/template';
import { applyEdit, TemplateDocument } from '@hearth/template';
import { deriveGraph, type Graph } from '../graph/derive.ts';
import { carryPositions, type Positions, type XY } from '../graph/layout.ts';
import { writeToEditor } from './editor-bridge.ts';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'error';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  id: number;
}

export interface DesignState {
  designId: string | null;
  designName: string;
  environment: string;
  files: Record<string, string>;
  text: string;
  analysis: Analysis | null;
  /** The last graph of a text that parsed. */
  graph: Graph | null;
  /** The text does not parse: the canvas shows the last good graph. */
  stale: boolean;
  positions: Positions;
  /** Groups the user expanded on the canvas. */
  expanded: Record<string, boolean>;
  selected: string[];
  notice: Notice | null;
  saveState: SaveState;
  /** Set when the design needs an automatic layout once its graph is known. */
  needsLayout: boolean;
  /** Milliseconds the last analysis took (shown for large templates). */
  analysisMs: number;
  /** Increases with every load, so the editor knows to take the new text. */
  loads: number;
  /** Increases when the canvas should fit the whole graph in view. */
  fitRequests: number;
  requestFit(): void;

  load(design: {
    id: string | null;
    name: string;
    text: string;
    environment?: string;
    files?: Record<string, string>;
    positions?: Positions;
  }): void;
  /** The text changed (typed in the editor, or written by an action). */
  textChanged(text: string): void;
  /** Runs an edit operation; returns false (with a notice) when it was refused. `at`: where a new resource goes. */
  apply(op: EditOperation, options?: { at?: XY }): boolean;
  setPositions(positions: Positions): void;
  moveNodes(moves: Record<string, XY>): void;
  select(names: string[]): void;
  toggleExpanded(name: string): void;
  notify(kind: Notice['kind'], text: string): void;
  setSaveState(state: SaveState): void;
  setDesign(id: string, name: string): void;
  setEnvironment(text: string): void;
  setFiles(files: Record<string, string>): void;
}

let document = new TemplateDocument();
let pendingHints: Record<string, XY> = {};
let noticeId = 0;

export const useDesign = create<DesignState>()((set, get) => ({
  designId: null,
  designName: 'Untitled',
  environment: '',
  files: {},
  text: '',
  analysis: null,
  graph: null,
  stale: false,
  positions: {},
  expanded: {},
  selected: [],
  notice: null,
  saveState: 'saved',
  needsLayout: false,
  analysisMs: 0,
  loads: 0,
  fitRequests: 0,

  requestFit() {
    set({ fitRequests: get().fitRequests + 1 });
  },

  load(design) {
    document = new TemplateDocument({ loadFile: (path) => design.files?.[path] });
    pendingHints = {};
    const started = performance.now();
    const analysis = document.update(design.text);
    const graph = analysis.parsed ? deriveGraph(analysis) : null;
    const known = design.positions ?? {};
    const missing = graph ? graph.resources.some((r) => !known[r.name]) : false;
    set({
      designId: design.id,
      designName: design.name,
      environment: design.environment ?? '',
      files: design.files ?? {},
      text: design.text,
      analysis,
      graph,
      stale: !analysis.parsed,
      positions: graph && !missing ? carryPositions(null, graph, known) : known,
      needsLayout: missing,
      selected: [],
      expanded: {},
      saveState: 'saved',
      analysisMs: performance.now() - started,
      loads: get().loads + 1,
      fitRequests: get().fitRequests + 1,
    });
  },

  textChanged(text) {
    const state = get();
    if (text === state.text) return;
    const started = performance.now();
    const analysis = document.update(text);
    const analysisMs = performance.now() - started;
    if (!analysis.parsed) {
      set({ text, analysis, stale: true, saveState: 'unsaved', analysisMs });
      return;
    }
    const graph = deriveGraph(analysis);
    const positions = state.needsLayout ? state.positions : carryPositions(state.graph, graph, state.positions, pendingHints);
    pendingHints = {};
    const names = new Set(graph.resources.map((r) => r.name));
    set({
      text,
      analysis,
      graph,
      stale: false,
      positions,
      selected: state.selected.filter((n) => names.has(n)),
      saveState: 'unsaved',
      analysisMs,
    });
  },

  apply(op, options = {}) {
    const { analysis, text } = get();
    if (!analysis) return false;
    if (!analysis.parsed) {
      get().notify('error', 'The YAML does not parse: fix it in the editor before changing the design on the canvas.');
      return false;
    }
    try {
      const result = applyEdit(analysis, op);
      if (op.op === 'addResource' && result.name && options.at) pendingHints[result.name] = options.at;
      if (op.op === 'renameResource') {
        const { positions } = get();
        if (positions[op.from]) pendingHints[op.to] = positions[op.from]!;
      }
      if (result.text !== text && !writeToEditor(result.text)) get().textChanged(result.text);
      for (const note of result.notes) get().notify('info', `${note.message} (line ${note.line})`);
      if (op.op === 'addResource' && result.name) set({ selected: [result.name] });
      if (op.op === 'renameResource') set({ selected: [op.to] });
      return true;
    } catch (error) {
      get().notify('error', error instanceof Error ? error.message : String(error));
      return false;
    }
  },

  setPositions(positions) {
    set({ positions, needsLayout: false, saveState: 'unsaved', fitRequests: get().fitRequests + 1 });
  },

  moveNodes(moves) {
    set({ positions: { ...get().positions, ...moves }, saveState: 'unsaved' });
  },

  select(names) {
    set({ selected: names });
  },

  toggleExpanded(name) {
    set({ expanded: { ...get().expanded, [name]: !get().expanded[name] } });
  },

  notify(kind, text) {
    set({ notice: { kind, text, id: ++noticeId } });
  },

  setSaveState(saveState) {
    set({ saveState });
  },

  setDesign(id, name) {
    set({ designId: id, designName: name });
  },

  setEnvironment(environment) {
    set({ environment, saveState: 'unsaved' });
  },

  setFiles(files) {
    document.setOptions({ loadFile: (path) => files[path] });
    set({ files, saveState: 'unsaved' });
  },
}));
