// The designs kept on the server (the examples among them) and a blank start.
import { useEffect, useState } from 'react';
import { api, errorText } from '../api.ts';

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

export function Gallery({ onOpen, onNew, onClose }: { onOpen: (id: string) => void; onNew: () => void; onClose: (() => void) | null }) {
  const [designs, setDesigns] = useState<DesignSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.designs.list
      .query()
      .then(setDesigns)
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  return (
    <div className="overlay" role="dialog" aria-label="Designs" data-testid="gallery">
      <div className="dialog">
        <h2>Designs</h2>
        <p className="muted">Your designs and the examples, kept by the Hearth server.</p>
        <button className="primary" data-testid="new-design" onClick={onNew}>
          New blank design
        </button>
        {error && <p className="error">{error}</p>}
        <ul className="design-list">
          {(designs ?? []).map((d) => (
            <li key={d.id}>
              <button data-testid="open-design" data-name={d.name} onClick={() => onOpen(d.id)}>
                <b>{d.name}</b> <span className="muted">{new Date(d.updatedAt).toLocaleString()}</span>
              </button>
            </li>
          ))}
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
