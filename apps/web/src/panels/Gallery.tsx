// The designs kept on the server (the examples among them) and a blank start.
import { useEffect, useState } from 'react';
import { api, errorText } from '../api.ts';
import { useDesign } from '../state/design.ts';

export interface DesignSummary {
  id: string;
  name: string;
  updatedAt: string;
}

export const BLANK_TEMPLATE = `heat_template_version: 2018-08-31

description: A new design

parameters: {}

resources: {}

outputs: {}
`;

/** One design in the list: open it, rename it in place, or delete it (after asking; not the one open). */
function DesignRow({
  design,
  open,
  onOpen,
  onChanged,
}: {
  design: DesignSummary;
  open: boolean;
  onOpen: () => void;
  onChanged: () => void;
}) {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(design.name);
  const [error, setError] = useState<string | null>(null);
  const act = (work: Promise<unknown>) =>
    work.then(
      () => (setMode('view'), onChanged()),
      (e: unknown) => setError(errorText(e)),
    );
  return (
    <li data-testid="design-row" data-name={design.name}>
      {mode === 'rename' ? (
        <form
          className="design-rename"
          onSubmit={(e) => {
            e.preventDefault();
            const renamed = name.trim();
            void act(
              api.designs.rename.mutate({ id: design.id, name: renamed }).then(() => {
                // The open design takes the name too (its next save would otherwise write the old one back).
                if (open) useDesign.getState().setDesign(design.id, renamed);
              }),
            );
          }}
        >
          <input aria-label="New name" value={name} autoFocus onChange={(e) => setName(e.target.value)} />
          <button type="submit" data-testid="rename-save" disabled={!name.trim()}>
            Rename
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      ) : (
        <button data-testid="open-design" data-name={design.name} onClick={onOpen}>
          <b>{design.name}</b> <span className="muted">{new Date(design.updatedAt).toLocaleString()}</span>
        </button>
      )}
      {mode === 'view' && (
        <span className="design-actions">
          <button className="link" data-testid="rename-design" onClick={() => setMode('rename')}>
            Rename
          </button>
          <button
            className="link"
            data-testid="delete-design"
            disabled={open}
            title={open ? 'This design is open' : 'Delete this design (its stacks stay)'}
            onClick={() => setMode('delete')}
          >
            Delete
          </button>
        </span>
      )}
      {mode === 'delete' && (
        <span className="design-actions">
          Delete “{design.name}”?{' '}
          <button
            className="danger"
            data-testid="confirm-delete-design"
            onClick={() => void act(api.designs.delete.mutate({ id: design.id }))}
          >
            Delete
          </button>
          <button onClick={() => setMode('view')}>Keep</button>
        </span>
      )}
      {error && <p className="error">{error}</p>}
    </li>
  );
}

export function Gallery({ onOpen, onNew, onClose }: { onOpen: (id: string) => void; onNew: () => void; onClose: (() => void) | null }) {
  const [designs, setDesigns] = useState<DesignSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const openId = useDesign((s) => s.designId);
  const refresh = () =>
    api.designs.list
      .query()
      .then(setDesigns)
      .catch((e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void refresh();
  }, []);
  const q = query.trim().toLowerCase();
  const shown = (designs ?? []).filter((d) => !q || d.name.toLowerCase().includes(q));
  return (
    <div className="overlay" role="dialog" aria-label="Designs" data-testid="gallery">
      <div className="dialog">
        <h2>Designs</h2>
        <p className="muted">Your designs and the examples, kept by the Hearth server.</p>
        <button className="primary" data-testid="new-design" onClick={onNew}>
          New blank design
        </button>
        {error && <p className="error">{error}</p>}
        {(designs?.length ?? 0) > 5 && (
          <input
            className="design-search"
            data-testid="design-search"
            placeholder="Search designs…"
            aria-label="Search designs"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        )}
        <ul className="design-list">
          {shown.map((d) => (
            <DesignRow key={d.id} design={d} open={d.id === openId} onOpen={() => onOpen(d.id)} onChanged={() => void refresh()} />
          ))}
          {designs && q && !shown.length && <li className="muted">No design is named like “{query}”.</li>}
        </ul>
        {onClose && (
          <button className="link" onClick={onClose}>
            Close
          </button>
        )}
      </div>
    </div>
  );
}

export function HelpSheet({ onClose }: { onClose: () => void }) {
  const keys: Array<[string, string]> = [
    ['Drag from the palette', 'add a resource where you drop it (or double-click / Enter on a type)'],
    ['Drag from a node’s left dot to another node', 'the first now depends_on the second'],
    ['Delete / Backspace', 'delete the selected resources or depends_on edges'],
    ['Shift + drag', 'select several'],
    ['Ctrl+C / Ctrl+V', 'copy and paste resources'],
    ['Ctrl+Z / Ctrl+Shift+Z', 'undo / redo (canvas and YAML share one history)'],
    ['Ctrl+K', 'find a resource and jump to it'],
    ['F12 in the YAML', 'go to the definition of the name under the cursor'],
    ['Ctrl+Space in the YAML', 'complete property names and values from the schema'],
    ['?', 'this sheet'],
  ];
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="keys">
          <tbody>
            {keys.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
