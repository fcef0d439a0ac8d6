// The YAML editor: the design's text, with markers for the server's
// diagnostics and go-to-definition for resource and parameter names.
import { useEffect, useRef } from 'react';
import type { Diagnostic } from '@hearth/template';
import { api } from '../api.ts';
import { attachModel } from '../state/editor-bridge.ts';
import { useDesign } from '../state/design.ts';
import { adjustSchemaValidation, monaco, TEMPLATE_URI } from './monaco.ts';

let editorInstance: monaco.editor.IStandaloneCodeEditor | null = null;

/** Moves the editor to a line (from a node badge, a problem, a failed resource). */
export function revealLine(line: number, column = 1): void {
  if (!editorInstance) return;
  editorInstance.revealLineInCenter(line);
  editorInstance.setPosition({ lineNumber: line, column });
  editorInstance.focus();
}

export function editorUndo(): void {
  editorInstance?.trigger('hearth', 'undo', null);
}

export function editorRedo(): void {
  editorInstance?.trigger('hearth', 'redo', null);
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
    const word = model.getWordAtPosition(position);
    const analysis = useDesign.getState().analysis;
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

export function YamlEditor() {
  const host = useRef<HTMLDivElement>(null);
  const loads = useDesign((s) => s.loads);

  useEffect(() => {
    const uri = monaco.Uri.parse(TEMPLATE_URI);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(useDesign.getState().text, 'yaml', uri);
    const editor = monaco.editor.create(host.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      insertSpaces: true,
      scrollBeyondLastLine: false,
      wordWrap: 'off',
      renderWhitespace: 'boundary',
      quickSuggestions: { other: true, comments: false, strings: true },
      // The classic hidden textarea rather than Chromium's EditContext (with which scripted typing loses spaces).
      editContext: false,
    });
    editorInstance = editor;
    (window as unknown as { hearthEditor: unknown }).hearthEditor = editor;
    attachModel({
      getValue: () => model.getValue(),
      replaceRange(start, end, text) {
        const from = model.getPositionAt(start);
        const to = model.getPositionAt(end);
        editor.pushUndoStop();
        model.pushEditOperations(
          [],
          [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text }],
          () => null,
        );
        editor.pushUndoStop();
      },
    });
    adjustSchemaValidation(model.getLineCount());
    const sub = model.onDidChangeContent(() => {
      adjustSchemaValidation(model.getLineCount());
      useDesign.getState().textChanged(model.getValue());
    });
    return () => {
      sub.dispose();
      attachModel(null);
      editorInstance = null;
      editor.dispose();
    };
  }, []);

  // A newly loaded design replaces the text (with a fresh undo history).
  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(TEMPLATE_URI));
    const text = useDesign.getState().text;
    if (model && model.getValue() !== text) model.setValue(text);
  }, [loads]);

  // The server's diagnostics as markers, a moment after typing stops.
  const text = useDesign((s) => s.text);
  const files = useDesign((s) => s.files);
  const environment = useDesign((s) => s.environment);
  useEffect(() => {
    const timer = setTimeout(() => {
      api.templates.validate
        .query({ template: text, files, ...(environment ? { environment } : {}) })
        .then((report) => {
          const model = monaco.editor.getModel(monaco.Uri.parse(TEMPLATE_URI));
          if (model && model.getValue() === text) monaco.editor.setModelMarkers(model, 'hearth', report.diagnostics.map(toMarker));
        })
        .catch(() => {
          /* the server is unreachable: the local badges still show problems */
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [text, files, environment]);

  return <div className="yaml-editor" data-testid="yaml-editor" ref={host} />;
}
