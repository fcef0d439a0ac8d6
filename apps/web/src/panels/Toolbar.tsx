// The top bar: the design's name and save state, open/import, export,
// layout, undo/redo, search, problems, help.
import { useEffect, useRef, useState } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { groupHeights } from '../canvas/group-heights.ts';
import { editorRedo, editorUndo, revealLine } from '../editor/handle.ts';
import { autoLayout, type Positions } from '@hearth/design';
import { baseName, download, exportArchive, exportImage, layoutSidecar } from '../io/export.ts';
import { openImport } from '../state/persistence.ts';
import { session, useDesign } from '../state/design.ts';
import { useRun } from '../state/run.ts';

export function Toolbar({ onOpenGallery, onHelp }: { onOpenGallery: () => void; onHelp: () => void }) {
  const name = useDesign((s) => s.designName);
  const saveState = useDesign((s) => s.saveState);
  const environmentDiagnostics = useDesign((s) => s.environmentDiagnostics);
  const fileDiagnostics = useDesign((s) => s.fileDiagnostics);
  const fileProblems = Object.entries(fileDiagnostics).flatMap(([path, ds]) => ds.map((d) => ({ path, d })));
  const errorCount = useDesign(
    (s) =>
      s.diagnostics.filter((d) => d.severity === 'error').length +
      s.environmentDiagnostics.length +
      Object.values(s.fileDiagnostics).reduce((n, ds) => n + ds.length, 0),
  );
  const diagnostics = useDesign((s) => s.diagnostics);
  const stale = useDesign((s) => s.stale);
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const fileInput = useRef<HTMLInputElement>(null);
  const [menu, setMenu] = useState<'export' | 'problems' | null>(null);
  // Escape closes an open menu.
  useEffect(() => {
    if (!menu) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenu(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menu]);
  const [search, setSearch] = useState('');
  const graph = useDesign((s) => s.graph);

  /** Each resource's state in the stack shown, for the picture. */
  const currentStatuses = () => Object.fromEntries(Object.entries(useRun.getState().statuses).map(([name, st]) => [name, st.state]));

  const exportAs = async (what: 'template' | 'environment' | 'layout' | 'png' | 'svg' | 'archive') => {
    setMenu(null);
    session.flush();
    const s = useDesign.getState();
    const base = baseName(s.designName);
    // A design opened without a layout has its first one computed while it shows (its nodes wait at
    // the origin): a layout or a picture exported meanwhile takes the same layout, not an empty one.
    const laidOut = async () => (s.needsLayout && s.graph ? { ...s.positions, ...(await autoLayout(s.graph)) } : s.positions);
    const pictureOf = (positions: Positions) => (s.graph ? { graph: s.graph, positions, statuses: currentStatuses() } : null);
    try {
      if (what === 'template') download(`${base}.yaml`, s.text);
      else if (what === 'environment') download(`${base}.env.yaml`, s.environment);
      else if (what === 'layout') download(`${base}.layout.json`, layoutSidecar(await laidOut()), 'application/json');
      else if (what === 'png' || what === 'svg') {
        const picture = pictureOf(await laidOut());
        if (!picture) throw new Error('The design has no graph yet (the YAML does not parse).');
        await exportImage(picture, what, base);
      } else {
        const positions = await laidOut();
        await exportArchive({
          name: base,
          template: s.text,
          environment: s.environment,
          positions,
          files: s.files,
          picture: pictureOf(positions),
        });
      }
    } catch (error) {
      s.notify('error', `Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const jump = (query: string) => {
    const target =
      graph?.resources.find((r) => r.name === query) ?? graph?.resources.find((r) => r.name.toLowerCase().includes(query.toLowerCase()));
    if (!target) return useDesign.getState().notify('info', `No resource matches "${query}".`);
    const node = flow.getNode(target.name);
    if (node) void flow.setCenter(node.position.x + 110, node.position.y + 32, { zoom: 1.1, duration: 200 });
    useDesign.getState().select([target.name]);
    revealLine(target.line);
  };

  return (
    <header className="toolbar">
      <span className="brand">Hearth</span>
      <input className="design-name" aria-label="Design name" value={name} onChange={(e) => useDesign.getState().rename(e.target.value)} />
      <span className={`save-state save-${saveState}`} data-testid="save-state">
        {saveState === 'saved' ? 'Saved' : saveState === 'saving' ? 'Saving…' : saveState === 'error' ? 'Not saved' : 'Unsaved'}
      </span>
      <button onClick={onOpenGallery}>Designs</button>
      <button onClick={() => fileInput.current?.click()}>Import…</button>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="import-input"
        accept=".yaml,.yml,.json,.template,.sh,.txt"
        onChange={async (e) => {
          if (!e.target.files?.length) return;
          await openImport(e.target.files);
          e.target.value = '';
        }}
      />
      <div className="menu-wrap">
        <button onClick={() => setMenu(menu === 'export' ? null : 'export')} data-testid="export-menu">
          Export ▾
        </button>
        {menu === 'export' && (
          <div className="menu" role="menu">
            <button data-testid="export-template" onClick={() => void exportAs('template')}>
              Template (.yaml)
            </button>
            <button onClick={() => void exportAs('environment')}>Environment (.env.yaml)</button>
            <button data-testid="export-layout" onClick={() => void exportAs('layout')}>
              Layout sidecar (.layout.json)
            </button>
            <button data-testid="export-png" onClick={() => void exportAs('png')}>
              Image (PNG)
            </button>
            <button data-testid="export-svg" onClick={() => void exportAs('svg')}>
              Image (SVG)
            </button>
            <button data-testid="export-archive" onClick={() => void exportAs('archive')}>
              Everything (.zip)
            </button>
          </div>
        )}
      </div>
      <button
        title="Lay the graph out again"
        onClick={async () => {
          const g = useDesign.getState().graph;
          if (!g) return;
          // Groups at the height they are drawn (an expanded one lists its members), so that none covers another.
          const groups = g.resources.filter((r) => r.members).map((r) => r.name);
          const heights = groupHeights(groups, flowStore.getState().nodeLookup);
          useDesign.getState().setPositions(await autoLayout(g, heights), { undoable: true });
        }}
      >
        Auto layout
      </button>
      <button title="Undo (Ctrl+Z)" aria-label="Undo" onClick={editorUndo}>
        ↶
      </button>
      <button title="Redo (Ctrl+Shift+Z)" aria-label="Redo" onClick={editorRedo}>
        ↷
      </button>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (search.trim()) jump(search.trim());
        }}
      >
        <input
          aria-label="Find a resource"
          data-testid="search"
          list="resource-names"
          placeholder="Find resource (Ctrl+K)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <datalist id="resource-names">
          {graph?.resources.slice(0, 2000).map((r) => (
            <option key={r.name} value={r.name} />
          ))}
        </datalist>
      </form>
      <div className="menu-wrap">
        <button
          className={`diagnostics ${errorCount ? 'has-errors' : ''}`}
          onClick={() => setMenu(menu === 'problems' ? null : 'problems')}
          title="Problems"
        >
          {stale && (
            <span className="stale-dot" title="The YAML does not parse">
              ●
            </span>
          )}
          ✖ <span data-testid="diagnostics">{errorCount}</span>
        </button>
        {menu === 'problems' && (
          <div className="menu problems" role="menu">
            {diagnostics.length + environmentDiagnostics.length + fileProblems.length === 0 && <div className="muted">No problems.</div>}
            {environmentDiagnostics.map((d, i) => (
              <button
                key={`env${i}`}
                className="problem error"
                onClick={() => (setMenu(null), revealLine(d.line, d.column, 'environment'))}
              >
                environment {d.line}:{d.column} {d.message}
              </button>
            ))}
            {fileProblems.slice(0, 100).map(({ path, d }, i) => (
              <button
                key={`file${i}`}
                className="problem error"
                onClick={() => (setMenu(null), revealLine(d.line, d.column, `file:${path}`))}
              >
                {path} {d.line}:{d.column} {d.message}
              </button>
            ))}
            {diagnostics.slice(0, 200).map((d, i) => (
              <button key={i} className={`problem ${d.severity}`} onClick={() => (setMenu(null), revealLine(d.line, d.column))}>
                {d.line}:{d.column} {d.message}
              </button>
            ))}
          </div>
        )}
      </div>
      <button onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
    </header>
  );
}
