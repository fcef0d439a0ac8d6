// Category colours and glyphs for node icons (shape and letter, not colour alone).
export const CATEGORY_STYLE: Record<string, { color: string; glyph: string }> = {
  Compute: { color: '#2563eb', glyph: '▣' },
  Network: { color: '#059669', glyph: '⬡' },
  Storage: { color: '#b45309', glyph: '▤' },
  Orchestration: { color: '#7c3aed', glyph: '◆' },
  'Identity and secrets': { color: '#be123c', glyph: '⚿' },
  Monitoring: { color: '#0891b2', glyph: '◔' },
  'AWS compatibility': { color: '#ca8a04', glyph: '◩' },
  Hearth: { color: '#dc2626', glyph: '✦' },
  'Other services': { color: '#475569', glyph: '●' },
};

export function categoryStyle(category: string): { color: string; glyph: string } {
  return CATEGORY_STYLE[category] ?? CATEGORY_STYLE['Other services']!;
}
