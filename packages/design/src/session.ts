// The open design, without a browser: its texts (template, environment,
// files), what they mean (one analysis, one view model), node positions,
// selection, expanded groups and notices, and the intents that change them.
// Canvas and form intents are edit operations on the template text, written
// through the text sink (the editor) so that they undo like typing. A
// binding (the web app's store) subscribes and renders the snapshots.
//
// Typed text is read twice over, each part where it costs least: a reader
// (in the browser, a Web Worker) derives the graph the canvas draws, and
// the session's own document reads the full analysis, which edit operations
// and the panels need, only when they ask for it (flush, watchAnalysis).
import type { Analysis, Diagnostic, EditOperation } from '@hearth/template';
import { applyEdit } from '@hearth/template';
import { DesignDocument, type AnalysisSettings, type DesignReading } from './document.ts';
import { carryPositions, type Positions, type XY } from './layout.ts';
import { MoveHistory } from './move-history.ts';
import { InlineReader, type DesignReader, type Reading } from './reader.ts';
import { writeMinimal, type TextModel } from './text-sink.ts';
import { deriveGraph, type Graph } from './view-model.ts';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'error';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  id: number;
}

/** What a design is loaded from (a saved design, an import, a cloud's stack, a blank one). */
export interface DesignInput {
  id: string | null;
  name: string;
  text: string;
  environment?: string | undefined;
  files?: Record<string, string> | undefined;
  positions?: Positions | undefined;
}

export interface DesignSnapshot {
  designId: string | null;
  designName: string;
  environment: string;
  files: Record<string, string>;
  /** The template text of the reading shown (the editor's text once it is read). */
  text: string;
  /** The template's diagnostics, of `text`. */
  diagnostics: Diagnostic[];
  /**
   * The full analysis, read on this thread: of `text` after flush(), and soon after each reading while
   * anything watches it (watchAnalysis); otherwise it may be of an earlier text.
   */
  analysis: Analysis | null;
  /** Problems of the environment file itself, located in its text. */
  environmentDiagnostics: Diagnostic[];
  /** Errors of the design's nested templates, by file. */
  fileDiagnostics: Record<string, Diagnostic[]>;
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
  /** Increases with every load, so that views know to take the new texts. */
  loads: number;
  /** Increases when the canvas should fit the whole graph in view. */
  fitRequests: number;
}

export interface SessionOptions {
  /** A clock for analysisMs (performance.now in the browser). */
  now?: () => number;
  /**
   * When typed text is read here: the task runs once for any number of
   * keystrokes before it. In the browser, after the keystroke is painted, so
   * that typing never waits for the analysis or the canvas. Default: at once.
   */
  scheduleRead?: (read: () => void) => void;
  /** Where typed text is read for the canvas (in the browser, a worker). Default: here, when scheduleRead says. */
  reader?: DesignReader;
  /** How the server reads templates beyond Heat's rules (default: Heat's rules alone). */
  analysisSettings?: AnalysisSettings;
}

export const EMPTY_DESIGN: DesignSnapshot = {
  designId: null,
  designName: 'Untitled',
  environment: '',
  files: {},
  text: '',
  diagnostics: [],
  analysis: null,
  environmentDiagnostics: [],
  fileDiagnostics: {},
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
};

export class DesignSession {
  private snapshot: DesignSnapshot = EMPTY_DESIGN;
  private readonly listeners = new Set<(state: DesignSnapshot) => void>();
  private analysisSettings: AnalysisSettings;
  private document: DesignDocument;
  /** Where new resources were dropped, used when they first appear in the graph. */
  private pendingHints: Record<string, XY> = {};
  private noticeId = 0;
  private sink: TextModel | null = null;
  /**
   * The text as loaded, and each text an intent wrote since while no editor was attached (a canvas
   * edit before the editor loaded): the editor that opens next is given them as undoable steps.
   */
  private beforeEditor: { loaded: string; written: string[] } = { loaded: '', written: [] };
  /** Node moves as undo steps among the editor's, and where the nodes were when a drag began. */
  private readonly moves = new MoveHistory();
  private moveStart: Positions | null = null;
  private readonly now: () => number;
  private readonly scheduleRead: (read: () => void) => void;
  private readonly reader: DesignReader;
  /** The newest template text (the editor's), read or not. */
  private latest = '';
  /** Of the newest text sent to be read, and of the reading shown: only a reading of the newest text is shown. */
  private generation = 0;
  private shownGeneration = 0;
  /** What watches the analysis (open panels), and whether its read here is scheduled. */
  private analysisWatchers = 0;
  private readScheduled = false;
  /**
   * A reading made here for an edit and not shown (see analysisToEdit), while the document holds its
   * text: flush shows it rather than reading that text again.
   */
  private unshown: (DesignReading & { analysisMs: number }) | null = null;
  /** The reader failed: typed text is read here, when scheduleRead says. */
  private readHere = false;

  constructor(options: SessionOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.scheduleRead = options.scheduleRead ?? ((read) => read());
    this.reader = options.reader ?? new InlineReader(this.scheduleRead, this.now);
    this.reader.onReading = (reading) => this.showReading(reading);
    this.analysisSettings = options.analysisSettings ?? {};
    this.document = new DesignDocument(this.analysisSettings);
  }

  /**
   * Reads the design as a server with these settings does (what it says of
   * Hearth's own types). The design itself is unchanged: it stays saved.
   */
  setAnalysisSettings(settings: AnalysisSettings): void {
    this.flush();
    this.analysisSettings = settings;
    const reading = this.timed(() => this.document.setSettings(settings));
    if (this.snapshot.analysis) this.show({ saveState: this.snapshot.saveState }, reading);
    this.sendDesign();
  }

  get state(): DesignSnapshot {
    return this.snapshot;
  }

  /**
   * The newest text (typed, or written by an edit) is not shown yet: its reading is on its way, and the
   * snapshot changes when it comes. (A save waits for it rather than reading the text here.)
   */
  get readingDue(): boolean {
    return this.snapshot.analysis !== null && this.latest !== this.snapshot.text;
  }

  subscribe(listener: (state: DesignSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<DesignSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener(this.snapshot);
  }

  /**
   * The text an editor opening now starts from: the text as loaded when intents changed it before any
   * editor was attached (attachEditor then writes their changes into it, one undoable step each).
   */
  get editorStartText(): string {
    return this.beforeEditor.written.length ? this.beforeEditor.loaded : this.latest;
  }

  /**
   * The editor whose model holds the template text while it is open (null: none). A model that opens
   * on editorStartText is given the edits made before it, so that they undo as the later ones do.
   */
  attachEditor(model: TextModel | null): void {
    this.sink = null;
    const { loaded, written } = this.beforeEditor;
    this.beforeEditor = { loaded: this.latest, written: [] };
    if (!model) return;
    // The model's version after each of the edits made before it (see templateVersion). They are
    // given to it before it is the sink: they are no new edits for the move history.
    const versions = [model.version?.() ?? 0];
    if (model.getValue() === loaded) {
      for (const text of written) {
        writeMinimal(model, text);
        versions.push(model.version?.() ?? 0);
      }
    }
    this.sink = model;
    this.moves.rebase((v) => (v < 0 ? (versions[-1 - v] ?? versions.at(-1)!) : v));
    this.moves.templateAt(versions.at(-1)!);
  }

  /** Writes a text an intent made: through the editor, which reports it back as typing does, or directly. */
  private write(text: string): void {
    if (this.sink) {
      writeMinimal(this.sink, text);
      return;
    }
    this.beforeEditor.written.push(text);
    this.textChanged(text);
  }

  /** Reads with timing, for the large-template hint. */
  private timed(read: () => DesignReading): DesignReading & { analysisMs: number } {
    const started = this.now();
    const reading = read();
    return { ...reading, analysisMs: this.now() - started };
  }

  load(design: DesignInput): void {
    this.latest = design.text;
    this.document = new DesignDocument(this.analysisSettings);
    this.pendingHints = {};
    this.beforeEditor = { loaded: design.text, written: [] };
    this.moves.clear();
    this.moveStart = null;
    const environment = design.environment ?? '';
    const files = design.files ?? {};
    this.unshown = null;
    const reading = this.timed(() => this.document.load({ template: design.text, environment, files }));
    const graph = reading.analysis.parsed ? deriveGraph(reading.analysis) : null;
    const known = design.positions ?? {};
    const missing = graph ? graph.resources.some((r) => !known[r.name]) : false;
    this.set({
      designId: design.id,
      designName: design.name,
      environment,
      files,
      text: design.text,
      diagnostics: reading.analysis.diagnostics,
      analysis: reading.analysis,
      environmentDiagnostics: reading.environmentDiagnostics,
      fileDiagnostics: reading.fileDiagnostics,
      graph,
      stale: !reading.analysis.parsed,
      positions: graph && !missing ? carryPositions(null, graph, known) : known,
      needsLayout: missing,
      selected: [],
      expanded: {},
      saveState: 'saved',
      analysisMs: reading.analysisMs,
      loads: this.snapshot.loads + 1,
      fitRequests: this.snapshot.fitRequests + 1,
    });
    this.sendDesign();
  }

  /**
   * The reader is given the whole design as this session has just read it (a load, a new environment,
   * files or settings): a reading it sends of an earlier text is not shown.
   */
  private sendDesign(): void {
    this.shownGeneration = ++this.generation;
    const { environment, files } = this.snapshot;
    this.reader.request({
      kind: 'load',
      generation: this.generation,
      sources: { template: this.latest, environment, files },
      settings: this.analysisSettings,
    });
  }

  /**
   * The template text changed (typed in the editor, or written by an
   * intent). The reader reads it; until its reading comes, the snapshot
   * shows the last text read, and every intent that needs the analysis
   * reads the text here first (flush).
   */
  textChanged(text: string): void {
    if (text === this.latest) return;
    this.latest = text;
    if (this.sink) this.moves.templateAt(this.templateVersion());
    // Typed text is not saved yet, read or not (a save reads it first).
    if (this.snapshot.saveState === 'saved' && text !== this.snapshot.text) this.set({ saveState: 'unsaved' });
    if (this.readHere) this.scheduleReadHere();
    else this.reader.request({ kind: 'template', generation: ++this.generation, template: text });
  }

  /**
   * The reader can no longer read (it failed on a text, or its worker stopped): from now on typed text
   * is read here, after paint, as it is without a worker.
   */
  readerFailed(): void {
    this.readHere = true;
    this.scheduleReadHere();
  }

  /** A reading from the reader: shown when it is of the newest text and nothing newer is shown. */
  private showReading(reading: Reading): void {
    if (reading.failed) {
      this.readerFailed();
      return;
    }
    if (reading.generation !== this.generation || reading.generation <= this.shownGeneration) return;
    this.shownGeneration = reading.generation;
    // (A reading of the newest text is of this.latest.)
    if (this.latest !== this.snapshot.text) {
      const { diagnostics, analysisMs } = reading;
      this.showGraph({ text: this.latest, diagnostics, analysisMs }, reading.graph);
    }
    if (this.analysisWatchers > 0) this.scheduleReadHere();
  }

  /**
   * Reads the newest text here soon (in the browser, after paint: after the canvas has the reader's
   * graph): something shows the analysis, or the reader failed.
   */
  private scheduleReadHere(): void {
    if (this.readScheduled) return;
    this.readScheduled = true;
    this.scheduleRead(() => {
      this.readScheduled = false;
      if (this.analysisWatchers > 0 || this.readHere) this.flush();
    });
  }

  /**
   * Something shows the analysis (a panel): while it watches, the analysis follows each reading soon
   * after it. Returns the end of the watch.
   */
  watchAnalysis(): () => void {
    this.analysisWatchers++;
    this.scheduleReadHere();
    let watching = true;
    return () => {
      if (watching) this.analysisWatchers--;
      watching = false;
    };
  }

  /**
   * Reads the newest text here now, if the analysis is not of it (before acting on the text, e.g. an
   * edit operation, a deployment or a save): the snapshot is then of the editor's text.
   */
  flush(): void {
    const text = this.latest;
    const { analysis } = this.snapshot;
    if (!analysis) return; // Nothing loaded yet.
    // (applyAll moves the document ahead of the snapshot until its text is read: compare with both.)
    if (analysis.text === text && this.snapshot.text === text && this.document.template === text) return;
    const reading = this.unshownOf(text) ?? this.timed(() => this.document.setTemplate(text));
    this.unshown = null;
    if (this.snapshot.text === text && this.shownGeneration === this.generation) {
      // The reader's graph of this text is shown: only the analysis is new.
      this.set({ analysis: reading.analysis });
      return;
    }
    this.shownGeneration = this.generation;
    this.show({ text }, reading);
  }

  /** The analysis of the newest text (read now if it is not yet): for intents that act on it. */
  analysisNow(): Analysis | null {
    this.flush();
    return this.snapshot.analysis;
  }

  setEnvironment(environment: string): void {
    this.flush();
    if (environment === this.snapshot.environment) return;
    this.show(
      { environment },
      this.timed(() => this.document.setEnvironment(environment)),
    );
    this.sendDesign();
  }

  setFiles(files: Record<string, string>): void {
    this.flush();
    if (JSON.stringify(files) === JSON.stringify(this.snapshot.files)) return;
    this.show(
      { files },
      this.timed(() => this.document.setFiles(files)),
    );
    this.sendDesign();
  }

  /** A new reading of the design, here: the graph follows when the template parses, positions carry over by name. */
  private show(changed: Partial<DesignSnapshot>, reading: DesignReading & { analysisMs: number }): void {
    const { analysis, environmentDiagnostics, fileDiagnostics, analysisMs } = reading;
    this.showGraph(
      { analysis, diagnostics: analysis.diagnostics, environmentDiagnostics, fileDiagnostics, analysisMs, ...changed },
      analysis.parsed ? deriveGraph(analysis) : null,
    );
  }

  /** A new reading's graph (null: the text does not parse, the last good graph stays, stale). */
  private showGraph(changed: Partial<DesignSnapshot>, graph: Graph | null): void {
    const state = this.snapshot;
    if (!graph) {
      this.set({ stale: true, saveState: 'unsaved', ...changed });
      return;
    }
    const positions = state.needsLayout ? state.positions : carryPositions(state.graph, graph, state.positions, this.pendingHints);
    this.pendingHints = {};
    // What can stay selected: resources, and parameters and outputs (selected as `param:name`, `output:name`).
    const names = new Set([
      ...graph.resources.map((r) => r.name),
      ...graph.parameters.map((p) => `param:${p.name}`),
      ...graph.outputs.map((o) => `output:${o.name}`),
    ]);
    const selected = state.selected.filter((n) => names.has(n));
    this.set({
      graph,
      stale: false,
      positions,
      // (The same array when all stay: what follows the selection has nothing to redo.)
      selected: selected.length === state.selected.length ? state.selected : selected,
      saveState: 'unsaved',
      // Last: what changed may keep the save state (a reading with new settings changes no text).
      ...changed,
    });
  }

  /**
   * The analysis of the newest text, for an edit about to replace it: read here if it is not yet, and not
   * shown. The edited text is what shows next (its reading is asked for as it is written): a graph of the
   * text before it would be derived and drawn only to be replaced, while the edit waits to reach the
   * editor (at 1,000 resources, about half of a canvas action's time when actions come a frame apart).
   */
  private analysisToEdit(): Analysis | null {
    const text = this.latest;
    const shown = this.snapshot.analysis;
    if (!shown || shown.text === text) return shown;
    this.unshown = this.unshownOf(text) ?? this.timed(() => this.document.setTemplate(text));
    return this.unshown.analysis;
  }

  /** The reading made for an edit and not shown, if it is of this text and the document still holds it. */
  private unshownOf(text: string): (DesignReading & { analysisMs: number }) | null {
    return this.unshown?.analysis.text === text && this.document.template === text ? this.unshown : null;
  }

  /** Runs an edit operation on the template; false (with a notice) when it was refused. `at`: where a new resource goes. */
  apply(op: EditOperation, options: { at?: XY } = {}): boolean {
    const analysis = this.analysisToEdit();
    if (!analysis) return false;
    const { text } = analysis;
    if (!analysis.parsed) {
      this.notify('error', 'The YAML does not parse: fix it in the editor before changing the design on the canvas.');
      return false;
    }
    let result;
    try {
      result = applyEdit(analysis, op);
    } catch (error) {
      this.notify('error', error instanceof Error ? error.message : String(error));
      return false;
    }
    if (op.op === 'addResource' && result.name && options.at) this.pendingHints[result.name] = options.at;
    if (op.op === 'renameResource') {
      // A hint is of an edit not shown yet (a resource added there, or renamed to that name): newer than what shows.
      const at = this.pendingHints[op.from] ?? this.snapshot.positions[op.from];
      if (at) this.pendingHints[op.to] = at;
    }
    if (result.text !== text) this.write(result.text);
    for (const note of result.notes) this.notify('info', `${note.message} (line ${note.line})`);
    if (op.op === 'addResource' && result.name) this.select([result.name]);
    if (op.op === 'renameResource') this.select([op.to]);
    return true;
  }

  /**
   * Runs edit operations one after another and writes the result as one
   * change (one undo step); none is written when one is refused.
   */
  applyAll(ops: EditOperation[]): boolean {
    if (ops.length <= 1) return ops.length === 0 || this.apply(ops[0]!);
    const analysis = this.analysisToEdit();
    if (!analysis?.parsed) return this.apply(ops[0]!);
    // The document reads each step's text: no reading made before stays its own.
    this.unshown = null;
    const { text } = analysis;
    let current = analysis;
    let next = text;
    try {
      for (const op of ops) {
        next = applyEdit(current, op).text;
        current = this.document.setTemplate(next).analysis;
      }
    } catch (error) {
      // The document reads the text shown again.
      this.document.setTemplate(text);
      this.notify('error', error instanceof Error ? error.message : String(error));
      return false;
    }
    this.write(next);
    return true;
  }

  requestFit(): void {
    this.set({ fitRequests: this.snapshot.fitRequests + 1 });
  }

  /**
   * New positions for every node (an automatic layout): the canvas fits them in view. `undoable`: one
   * undo step (the user asked for it; a first layout of an imported design is not).
   */
  setPositions(positions: Positions, options: { undoable?: boolean } = {}): void {
    if (options.undoable) this.moves.record(this.templateVersion(), this.snapshot.positions, positions);
    this.set({ positions, needsLayout: false, saveState: 'unsaved', fitRequests: this.snapshot.fitRequests + 1 });
  }

  /** A drag begins: the moves until endMove are one undo step. */
  beginMove(): void {
    this.moveStart = this.snapshot.positions;
  }

  endMove(): void {
    const before = this.moveStart;
    this.moveStart = null;
    if (before && before !== this.snapshot.positions) this.moves.record(this.templateVersion(), before, this.snapshot.positions);
  }

  /** Undoes the last step when it is a move (true); false: it is the editor's (an edit of the template). */
  undoMove(): boolean {
    return this.restore(this.moves.undo(this.templateVersion()));
  }

  /** Redoes the next step when it is a move (true); false: it is the editor's. */
  redoMove(): boolean {
    return this.restore(this.moves.redo(this.templateVersion()));
  }

  private restore(positions: Positions | null): boolean {
    if (!positions) return false;
    this.set({ positions, saveState: 'unsaved' });
    return true;
  }

  /**
   * Where the template is in its undo history (see TextModel.version). Before the editor opens: -1 -
   * the number of edits waiting for it, which attachEditor turns into the model's version after them.
   */
  private templateVersion(): number {
    return this.sink ? (this.sink.version?.() ?? 0) : -1 - this.beforeEditor.written.length;
  }

  moveNodes(moves: Record<string, XY>): void {
    this.set({ positions: { ...this.snapshot.positions, ...moves }, saveState: 'unsaved' });
  }

  select(names: string[]): void {
    this.set({ selected: names });
  }

  toggleExpanded(name: string): void {
    this.set({ expanded: { ...this.snapshot.expanded, [name]: !this.snapshot.expanded[name] } });
  }

  notify(kind: Notice['kind'], text: string): void {
    this.set({ notice: { kind, text, id: ++this.noticeId } });
  }

  setSaveState(saveState: SaveState): void {
    this.set({ saveState });
  }

  /** The user renamed the design (saved with it next time). */
  rename(name: string): void {
    this.set({ designName: name, saveState: 'unsaved' });
  }

  /** The design was saved under an id (and perhaps a new name). */
  setDesign(id: string, name: string): void {
    this.set({ designId: id, designName: name });
  }
}
