// The resource types, searchable and grouped; drag one onto the canvas (or
// press Enter on it) to add a resource with its required properties.
import { useEffect, useMemo, useState } from 'react';
import { paletteTypes, typeDescription } from '@hearth/template';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { categoryStyle, paletteMatch } from '@hearth/design';
import { useDesign } from '../state/design.ts';

const CATEGORY_ORDER = [
  'Compute',
  'Network',
  'Storage',
  'Orchestration',
  'Identity and secrets',
  'Monitoring',
  'Other services',
  'Hearth',
  'AWS compatibility',
];

interface PaletteType {
  name: string;
  category: string;
  description: string;
  runner: string;
}

function localTypes(): PaletteType[] {
  return paletteTypes().map((t) => ({
    name: t.name,
    category: t.category,
    description: typeDescription(t),
    runner: t.name.startsWith('OS::Heat::') ? 'engine' : 'simulated',
  }));
}

export function Palette({ serverTypes }: { serverTypes: PaletteType[] | null }) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Record<string, boolean>>({ Compute: true, Network: true, Storage: true, Orchestration: true });
  const types = useMemo(() => serverTypes ?? localTypes(), [serverTypes]);
  const groups = useMemo(() => {
    const map = new Map<string, PaletteType[]>();
    for (const t of types) {
      if (!paletteMatch(query, t)) continue;
      map.set(t.category, [...(map.get(t.category) ?? []), t]);
    }
    const rank = (c: string) => {
      const i = CATEGORY_ORDER.indexOf(c);
      return i < 0 ? CATEGORY_ORDER.length : i;
    };
    return [...map].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  }, [types, query]);
  useEffect(() => {
    if (query) setOpen(Object.fromEntries(groups.map(([g]) => [g, true])));
  }, [query, groups]);

  return (
    <aside className="palette" data-testid="palette">
      <input
        className="palette-search"
        placeholder="Search resource types…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label="Search resource types"
      />
      <div className="palette-groups">
        {groups.map(([category, list]) => (
          <section key={category}>
            <button className="palette-group" onClick={() => setOpen({ ...open, [category]: !open[category] })}>
              <span style={{ color: categoryStyle(category).color }}>{categoryStyle(category).glyph}</span> {category}{' '}
              <small>{list.length}</small>
            </button>
            {open[category] && (
              <ul>
                {list.map((t) => (
                  <li
                    key={t.name}
                    className="palette-item"
                    data-testid="palette-item"
                    data-type={t.name}
                    draggable
                    tabIndex={0}
                    title={t.description}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, t.name);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') useDesign.getState().apply({ op: 'addResource', type: t.name });
                    }}
                    onDoubleClick={() => useDesign.getState().apply({ op: 'addResource', type: t.name })}
                  >
                    <span className="palette-name">{t.name.replace(/^OS::/, '')}</span>
                    {t.runner === 'simulated' && (
                      <span className="sim-tag" title="Runs on Hearth's simulated cloud">
                        sim
                      </span>
                    )}
                    <span className="palette-desc">{t.description.split('\n')[0]}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </aside>
  );
}
