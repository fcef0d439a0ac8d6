// The YAML editor: the design's template, environment and files, one tab
// each, with markers for the diagnostics (the design session's, for all
// three) and go-to-definition for resource and
// parameter names. Each tab's text goes to the design session as typed.
import { useEffect, useRef, useState } from 'react';
import type { Diagnostic } from '@hearth/template';
import { session, useDesign } from '../state/design.ts';
import { registerEditor, type EditorWhere } from './handle.ts';
import { ENVIRONMENT_URI, fileUri, monaco, TEMPLATE_URI } from './monaco.ts';

/** A tab of the editor: the template, the environment, or one of the files by path. */
type Doc = { kind: 'template' } | { kind: 'environment' } | { kind: 'file'; path: string };

const docKey = (d: Doc) => (d.kind === 'file' ? `file:${d.path}` : d.kind);

/** The model of a tab, made when first shown. */
function modelOf(doc: Doc): monaco.editor.ITextModel {
  const state = useDesign.getState();
  const uri = monaco.Uri.parse(doc.kind === 'template' ? TEMPLATE_URI : doc.kind === 'environment' ? ENVIRONMENT_URI : fileUri(doc.path));
  // The template's model opens on the text as loaded when canvas edits came before it (the session then gives it them to undo).
  const text =
    doc.kind === 'template' ? session.editorStartText : doc.kind === 'environment' ? state.environment : (state.files[doc.path] ?? '');
  return monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, 'yaml', uri);
}

/** The tab a place in the design is in. */
function docOf(where: EditorWhere): Doc {
  return where.startsWith('file:') ? { kind: 'file', path: where.slice('file:'.length) } : { kind: where as 'template' | 'environment' };
}

/**
 * What the rest of the designer may ask of a mounted editor (see handle.ts): move to a line of a
 * tab (showing that tab), and undo or redo the template's last change whichever tab shows.
 */
function editorHandle(editor: monaco.editor.IStandaloneCodeEditor, showDoc: (doc: Doc) => void) {
  const history = (action: 'undo' | 'redo') => {
    const template = modelOf({ kind: 'template' });
    if (editor.getModel() === template) editor.trigger('hearth', action, null);
    else void template[action]();
  };
  return {
    revealLine(line: number, column: number, where: EditorWhere) {
      const doc = docOf(where);
      editor.setModel(modelOf(doc));
      showDoc(doc);
      editor.revealLineInCenter(line);
      editor.setPosition({ lineNumber: line, column });
      editor.focus();
    },
    // A node move made since the template's last edit is undone (or redone) first (MoveHistory).
    undo: () => session.undoMove() || history('undo'),
    redo: () => session.redoMove() || history('redo'),
  };
}

function toMarker(d: Diagnostic): monaco.editor.IMarkerData {
  return {
    severity:
      d.severity === 'error'
        ? monaco.MarkerSeverity.Error
        : d.severity === 'warning'
          ? monaco.MarkerSeverity.Warning
          : monaco.MarkerSeverity.Info,
    message: `${d.message} [${d.code}]`,
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: Math.max(d.endLine, d.line),
    endColumn: d.endLine > d.line || d.endColumn > d.column ? d.endColumn : d.column + 1,
    source: 'hearth',
  };
}

monaco.languages.registerDefinitionProvider('yaml', {
  provideDefinition(model, position) {
    // The analysis' offsets are the template's.
    if (model.uri.toString() !== monaco.Uri.parse(TEMPLATE_URI).toString()) return null;
    const word = model.getWordAtPosition(position);
    const analysis = word ? session.analysisNow() : null;
    if (!word || !analysis) return null;
    const target =
      analysis.resources.find((r) => r.name === word.word)?.def.keyNode ??
      analysis.parameters.find((p) => p.name === word.word)?.keyNode ??
      null;
    if (!target) return null;
    const at = model.getPositionAt(target.start);
    return { uri: model.uri, range: new monaco.Range(at.lineNumber, at.column, at.lineNumber, at.column + word.word.length) };
  },
});

export default function YamlEditor() {
  const host = useRef<HTMLDivElement>(null);
  /** The mounted editor (null before mount and after unmount). */
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const loads = useDesign((s) => s.loads);
  const files = useDesign((s) => s.files);
  const environmentErrors = useDesign((s) => s.environmentDiagnostics.length);
  const [doc, setDoc] = useState<Doc>({ kind: 'template' });

  useEffect(() => {
    // Text written before the editor loaded (a canvas edit) is read first: the model ends on it.
    session.flush();
    const model = modelOf({ kind: 'template' });
    const editor = monaco.editor.create(host.current!, {
      model,
      automaticLayout: true,
      // Section headers are found in Monaco's editor worker after every change even with no minimap.
      minimap: { enabled: false, showRegionSectionHeaders: false, showMarkSectionHeaders: false },
      fontSize: 13,
      tabSize: 2,
      insertSpaces: true,
      scrollBeyondLastLine: false,
      wordWrap: 'off',
      renderWhitespace: 'boundary',
      quickSuggestions: { other: true, comments: false, strings: true },
      // Features that ask the YAML worker for the whole document's structure after every change (sticky
      // scroll its symbols, links and code lenses their own passes) and give a template nothing it needs:
      // at 1,000 resources each costs the main thread tens of milliseconds per keystroke.
      stickyScroll: { enabled: false },
      links: false,
      codeLens: false,
      // Folding by indentation (YAML's structure) is worked out here as lines change; the language's folding
      // asks the YAML worker for the whole document's ranges after each change, and reads thousands back.
      foldingStrategy: 'indentation',
      // The classic hidden textarea rather than Chromium's EditContext (with which scripted typing loses spaces).
      editContext: false,
    });
    editorRef.current = editor;
    // In the template's tab, undo and redo go through the designer's one history, as they do outside
    // the editor: a node move made since the template's last edit is undone (or redone) first. In other
    // tabs they are the tab's own.
    const inHistory = (action: 'undo' | 'redo') => () => {
      const move = editor.getModel() === model && (action === 'undo' ? session.undoMove() : session.redoMove());
      if (!move) editor.trigger('keyboard', action, null);
    };
    const { KeyMod, KeyCode } = monaco;
    editor.addAction({ id: 'hearth.undo', label: 'Undo', keybindings: [KeyMod.CtrlCmd | KeyCode.KeyZ], run: inHistory('undo') });
    editor.addAction({
      id: 'hearth.redo',
      label: 'Redo',
      keybindings: [KeyMod.CtrlCmd | KeyCode.KeyY, KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ],
      run: inHistory('redo'),
    });
    const unregister = registerEditor(editorHandle(editor, setDoc));
    (window as unknown as { hearthEditor: unknown }).hearthEditor = editor;
    session.attachEditor({
      getValue: () => model.getValue(),
      version: () => model.getAlternativeVersionId(),
      replaceRange(start, end, text) {
        const from = model.getPositionAt(start);
        const to = model.getPositionAt(end);
        // Undo stops on the template's model itself (another tab's model may be the one shown).
        model.pushStackElement();
        model.pushEditOperations(
          [],
          [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text }],
          () => null,
        );
        model.pushStackElement();
      },
    });
    const sub = model.onDidChangeContent(() => session.textChanged(model.getValue()));
    const environment = modelOf({ kind: 'environment' });
    const environmentSub = environment.onDidChangeContent(() => session.setEnvironment(environment.getValue()));
    return () => {
      sub.dispose();
      environmentSub.dispose();
      session.attachEditor(null);
      unregister();
      editorRef.current = null;
      editor.dispose();
    };
  }, []);

  // The tab shown: its model in the editor; a file's edits go to the session's files.
  useEffect(() => {
    if (doc.kind === 'file' && !(doc.path in useDesign.getState().files)) {
      setDoc({ kind: 'template' });
      return;
    }
    const model = modelOf(doc);
    editorRef.current?.setModel(model);
    if (doc.kind !== 'file') return;
    const sub = model.onDidChangeContent(() => session.setFiles({ ...useDesign.getState().files, [doc.path]: model.getValue() }));
    return () => sub.dispose();
  }, [docKey(doc), files]);

  // A resource selected on its own (on the canvas, in search) shows in the template, highlighted, without taking the focus.
  const selected = useDesign((s) => (s.selected.length === 1 ? s.selected[0]! : null));
  const highlight = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || doc.kind !== 'template') return;
    const line = selected ? useDesign.getState().graph?.resources.find((r) => r.name === selected)?.line : undefined;
    highlight.current?.clear();
    if (!line) return;
    if (!editor.hasTextFocus()) editor.revealLineInCenterIfOutsideViewport(line);
    highlight.current = editor.createDecorationsCollection([
      { range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: 'selected-resource-line' } },
    ]);
  }, [selected, docKey(doc)]);

  // The environment's own problems, and the nested templates', from the session.
  const environmentDiagnostics = useDesign((s) => s.environmentDiagnostics);
  useEffect(() => {
    monaco.editor.setModelMarkers(modelOf({ kind: 'environment' }), 'hearth', environmentDiagnostics.map(toMarker));
  }, [environmentDiagnostics]);
  const fileDiagnostics = useDesign((s) => s.fileDiagnostics);
  useEffect(() => {
    for (const path of Object.keys(files)) {
      monaco.editor.setModelMarkers(modelOf({ kind: 'file', path }), 'hearth', (fileDiagnostics[path] ?? []).map(toMarker));
    }
  }, [fileDiagnostics, files]);

  // A newly loaded design replaces the texts (with a fresh undo history); files it does not have go.
  useEffect(() => {
    const state = useDesign.getState();
    const template = modelOf({ kind: 'template' });
    if (template.getValue() !== state.text) template.setValue(state.text);
    const environment = modelOf({ kind: 'environment' });
    if (environment.getValue() !== state.environment) environment.setValue(state.environment);
    for (const model of monaco.editor.getModels()) {
      const path = model.uri.toString().startsWith(fileUri('')) ? model.uri.path.replace(/^\/files\//, '') : null;
      if (path === null) continue;
      if (!(path in state.files)) model.dispose();
      else if (model.getValue() !== state.files[path]) model.setValue(state.files[path]!);
    }
    setDoc({ kind: 'template' });
  }, [loads]);

  // The template's diagnostics as markers: the session's reading, the one the canvas, badges and problems
  // list show (read with the environment and files, as the server reads them), as soon as it has read.
  const readText = useDesign((s) => s.text);
  const diagnostics = useDesign((s) => s.diagnostics);
  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(TEMPLATE_URI));
    const markers = diagnostics.filter((d) => !d.file);
    // None shown and none to show (typing in a sound template): the whole text is not read to compare it.
    if (!model || (!markers.length && !monaco.editor.getModelMarkers({ owner: 'hearth', resource: model.uri }).length)) return;
    if (model.getValueLength() !== readText.length || model.getValue() !== readText) return;
    monaco.editor.setModelMarkers(model, 'hearth', markers.map(toMarker));
  }, [readText, diagnostics]);

  const tabs: Array<{ doc: Doc; label: string; problems: number }> = [
    { doc: { kind: 'template' }, label: 'Template', problems: 0 },
    { doc: { kind: 'environment' }, label: 'Environment', problems: environmentErrors },
    ...Object.keys(files)
      .sort()
      .map((path) => ({ doc: { kind: 'file', path } as Doc, label: path, problems: fileDiagnostics[path]?.length ?? 0 })),
  ];
  return (
    <div className="yaml-editor-pane">
      <div className="editor-tabs" role="tablist" aria-label="Design files">
        {tabs.map((t) => (
          <button
            key={docKey(t.doc)}
            role="tab"
            aria-selected={docKey(t.doc) === docKey(doc)}
            data-testid="editor-tab"
            data-doc={docKey(t.doc)}
            className={docKey(t.doc) === docKey(doc) ? 'active' : ''}
            title={t.doc.kind === 'environment' ? 'The environment the template is read, planned and deployed with' : t.label}
            onClick={() => setDoc(t.doc)}
          >
            {t.label}
            {t.problems ? <span className="tab-problems">{t.problems}</span> : null}
          </button>
        ))}
      </div>
      <div className="yaml-editor" data-testid="yaml-editor" ref={host} />
    </div>
  );
}
