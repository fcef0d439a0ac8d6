// The designer: palette, canvas, inspector and YAML editor, one template.
import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { EditOperation, Value, ValueMap } from '@hearth/template';
import { isValueMap, nodeToValue } from '@hearth/template';
import { api } from './api.ts';
import { Canvas } from './canvas/Canvas.tsx';
import { editorRedo, editorUndo } from './editor/handle.ts';
import { BLANK_TEMPLATE, Gallery, HelpSheet } from './panels/Gallery.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Palette } from './panels/Palette.tsx';
import { RunPanel } from './panels/RunPanel.tsx';
import { Toolbar } from './panels/Toolbar.tsx';
import { afterPaint, serverAllowsLocalScripts, session, useDesign } from './state/design.ts';
import { bindRunToDesign } from './state/live.ts';
import { openDesign, openImport, setDesignInAddress, startAutosave } from './state/persistence.ts';

// The editor (Monaco) is most of the app's code: it loads while the canvas draws.
const YamlEditor = lazy(() => import('./editor/YamlEditor.tsx'));
/** The longest the editor waits for the canvas's first view of a loaded design before it loads. */
const EDITOR_WAIT_MS = 1000;
const EditorLoading = () => <div className="yaml-editor-pane editor-loading">Loading the editor…</div>;

/** When the editor's code cannot be loaded (the app was updated meanwhile), the rest of the designer stays. */
class EditorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="yaml-editor-pane editor-loading" role="alert">
        The editor could not be loaded. <button onClick={() => window.location.reload()}>Reload</button>
      </div>
    );
  }
}

type PaletteTypes = Parameters<typeof Palette>[0]['serverTypes'];

let clipboard: Array<{ name: string; type: string; properties: ValueMap }> = [];

function inEditableField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.closest('.monaco-editor') || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = `${base}_copy`;
  for (let i = 2; taken.has(name); i++) name = `${base}_copy${i}`;
  return name;
}

function copySelection(): void {
  const { selected } = useDesign.getState();
  const analysis = session.analysisNow();
  clipboard = selected.flatMap((name) => {
    const r = analysis?.resources.find((x) => x.name === name);
    if (!r || !r.def.type) return [];
    const props: Value = r.def.propertiesNode ? nodeToValue(r.def.propertiesNode) : {};
    return [{ name, type: r.def.type, properties: isValueMap(props) ? props : {} }];
  });
  if (clipboard.length) useDesign.getState().notify('info', `Copied ${clipboard.map((c) => c.name).join(', ')}.`);
}

function paste(): void {
  const design = useDesign.getState();
  const taken = new Set(session.analysisNow()?.resources.map((r) => r.name) ?? []);
  for (const c of clipboard) {
    const name = uniqueName(c.name, taken);
    taken.add(name);
    const at = design.positions[c.name];
    const op: EditOperation = { op: 'addResource', type: c.type, name, properties: c.properties };
    useDesign.getState().apply(op, at ? { at: { x: at.x + 40, y: at.y + 90 } } : {});
  }
}

/** A pane's content fills it; the content scrolls itself. */
const PANE_STYLE = { display: 'flex', flexDirection: 'column', overflow: 'hidden' } as const;

export function App() {
  const [types, setTypes] = useState<PaletteTypes>(null);
  const [gallery, setGallery] = useState(false);
  const [help, setHelp] = useState(false);
  const notice = useDesign((s) => s.notice);
  const stale = useDesign((s) => s.stale);
  const loads = useDesign((s) => s.loads);
  // The editor (Monaco, most of the code) is fetched and mounted once the canvas has painted its first view
  // of the first design: started with the page, or as soon as the design is loaded (before the canvas has
  // its size and fits the view), its loading and first render would hold the canvas back. It waits for that
  // view at most EDITOR_WAIT_MS.
  const [editorWanted, setEditorWanted] = useState(false);
  const [fitted, setFitted] = useState(0);
  useEffect(() => {
    if (loads === 0 || editorWanted) return;
    if (fitted > 0) {
      afterPaint(() => setEditorWanted(true));
      return;
    }
    const timer = setTimeout(() => setEditorWanted(true), EDITOR_WAIT_MS);
    return () => clearTimeout(timer);
  }, [loads, fitted, editorWanted]);
  // Whatever loads a design (the gallery, an import, a cloud's stack) closes the gallery.
  useEffect(() => {
    if (loads) setGallery(false);
  }, [loads]);
  // The panes' widths, as the user left them (kept in this browser).
  const paneLayout = useDefaultLayout({
    id: 'hearth-panes',
    panelIds: ['palette-pane', 'center-pane', 'side-pane'],
    onlySaveAfterUserInteractions: true,
  });
  const [simNotice, setSimNotice] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setDismissed(notice.id), notice.kind === 'error' ? 12_000 : 5_000);
    return () => clearTimeout(timer);
  }, [notice]);

  useEffect(() => {
    api.types.list.query().then(setTypes, () => setTypes(null));
    api.health.query().then(
      (h) => {
        setSimNotice(h.notice);
        serverAllowsLocalScripts(h.localScripts);
      },
      () => setSimNotice(null),
    );
    const id = new URL(window.location.href).searchParams.get('design');
    if (id) openDesign(id).catch(() => setGallery(true));
    else setGallery(true);
    return startAutosave();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const search = document.querySelector<HTMLInputElement>('[data-testid="search"]');
        // The last query selected, so that typing starts a new one.
        search?.focus();
        search?.select();
        return;
      }
      if (inEditableField(e.target)) return;
      if (e.key === 'Escape') {
        // Sheets close (the gallery only when a design is open behind it); menus close themselves.
        setHelp(false);
        if (useDesign.getState().loads > 0) setGallery(false);
      }
      if (e.key === '?') setHelp(true);
      else if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) {
        e.preventDefault();
        editorUndo();
      } else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) {
        e.preventDefault();
        editorRedo();
      } else if (mod && e.key.toLowerCase() === 'c') copySelection();
      else if (mod && e.key.toLowerCase() === 'v') paste();
      else if (e.key === 'Escape') useDesign.getState().select([]);
    };
    const onDrop = async (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      if (await openImport(e.dataTransfer.files)) setGallery(false);
    };
    const onDragOver = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('drop', onDrop);
    window.addEventListener('dragover', onDragOver);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('dragover', onDragOver);
    };
  }, []);

  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar onOpenGallery={() => setGallery(true)} onHelp={() => setHelp(true)} />
        {simNotice && (
          <div className="sim-banner" data-testid="simulated-notice">
            {simNotice}
          </div>
        )}
        <Group className="workspace" orientation="horizontal" data-loads={loads} {...paneLayout}>
          <Panel
            id="palette-pane"
            className="pane"
            style={PANE_STYLE}
            defaultSize={250}
            minSize={160}
            maxSize="40%"
            collapsible
            collapsedSize={0}
          >
            <Palette serverTypes={types} />
          </Panel>
          <Separator className="pane-separator" aria-label="Resize the palette" />
          <Panel id="center-pane" className="pane" style={PANE_STYLE} minSize={320}>
            <section className="center">
              {stale && (
                <div className="stale-banner" data-testid="stale">
                  The YAML does not parse: the canvas shows the last version that did. Fix the text to bring them back in step.
                </div>
              )}
              <Canvas onFitted={setFitted} />
              <RunPanel />
            </section>
          </Panel>
          <Separator className="pane-separator" aria-label="Resize the editor" />
          <Panel id="side-pane" className="pane" style={PANE_STYLE} defaultSize="38%" minSize={300}>
            <section className="side">
              <Inspector />
              <EditorBoundary>
                {editorWanted ? (
                  <Suspense fallback={<EditorLoading />}>
                    <YamlEditor />
                  </Suspense>
                ) : (
                  // Nothing is loading until there is a design (the gallery shows meanwhile).
                  loads > 0 && <EditorLoading />
                )}
              </EditorBoundary>
            </section>
          </Panel>
        </Group>
        {notice && notice.id !== dismissed && (
          <div
            className={`notice notice-${notice.kind}`}
            data-testid="notice"
            role={notice.kind === 'error' ? 'alert' : 'status'}
            onClick={() => setDismissed(notice.id)}
          >
            {notice.text}
          </div>
        )}
        {gallery && (
          <Gallery
            onOpen={(id) => {
              void openDesign(id).then(() => setGallery(false));
            }}
            onNew={() => {
              useDesign.getState().load({
                id: null,
                name: `New design ${new Date().toISOString().slice(5, 16).replace('T', ' ')} ${Math.random().toString(36).slice(2, 6)}`,
                text: BLANK_TEMPLATE,
              });
              useDesign.getState().setSaveState('unsaved');
              setDesignInAddress(null);
              void bindRunToDesign();
              setGallery(false);
            }}
            onClose={useDesign.getState().loads > 0 ? () => setGallery(false) : null}
          />
        )}
        {help && <HelpSheet onClose={() => setHelp(false)} />}
      </div>
    </ReactFlowProvider>
  );
}
