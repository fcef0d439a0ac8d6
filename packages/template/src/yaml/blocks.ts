// Splits a template into blocks that parse on their own: each top-level
// section, and each resource inside `resources:`. A cheap line scan finds
// them; a template whose layout this scan cannot vouch for (flow style at
// the top, anchors, tags, directives, several documents) gets no blocks and
// is parsed whole.

export interface TextBlock {
  /** Offset of the block's first character (the start of its first line). */
  start: number;
  end: number;
  text: string;
}

export interface ResourceBlock extends TextBlock {
  name: string;
}

export interface SectionBlock extends TextBlock {
  key: string;
}

export interface TemplateBlocks {
  /** Everything outside the resources section, top-level section by section. */
  sections: SectionBlock[];
  /** The `resources:` line, when the section holds resource blocks. */
  resourcesHeader: SectionBlock | null;
  resources: ResourceBlock[];
}

const TOP_KEY = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?:#.*)?|[ \t]*)$|^([A-Za-z_][\w-]*)[ \t]*:[ \t]+\S/;
const RESOURCE_KEY = /^( +)([A-Za-z0-9_][^:#"'\s]*|"[^"\\\n]*"|'[^'\n]*')[ \t]*:(?:[ \t]|$)/;

/** Characters whose presence means the text may use YAML features that cross blocks. */
function crossesBlocks(text: string): boolean {
  if (!/[&*!%]|\n(---|\.\.\.)/.test(text)) return false;
  // Anchors, aliases, tags and directives, where they can start a token.
  return /(^|[\s[{,:-])[&*!][^\s,\]}]/m.test(text) || /^%/m.test(text) || /^(---|\.\.\.)(\s|$)/m.test(text.replace(/^---\s*\n/, ''));
}

export function splitTemplate(text: string): TemplateBlocks | null {
  const firstContent = /^[ \t]*[^\s#]/m.exec(text);
  if (!firstContent || /^[ \t]*[[{]/.test(firstContent[0]) || /^ /.test(firstContent[0])) return null;
  if (crossesBlocks(text)) return null;

  const sections: SectionBlock[] = [];
  let resourcesHeader: SectionBlock | null = null;
  const resources: ResourceBlock[] = [];
  let pos = 0;
  let current: { key: string; start: number } | null = null;
  let inResources = false;
  let resourceIndent = -1;
  let currentResource: { name: string; start: number } | null = null;

  const closeResource = (end: number) => {
    if (currentResource)
      resources.push({ name: currentResource.name, start: currentResource.start, end, text: text.slice(currentResource.start, end) });
    currentResource = null;
  };
  const closeSection = (end: number) => {
    if (!current) return;
    if (inResources) closeResource(end);
    else sections.push({ key: current.key, start: current.start, end, text: text.slice(current.start, end) });
    current = null;
    inResources = false;
  };

  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const contentEnd = nl === -1 ? text.length : nl;
    let first = pos;
    while (first < contentEnd && text.charCodeAt(first) === 32) first++;
    const c = text.charCodeAt(first);
    const blank = first >= contentEnd || c === 35 /* # */ || (c === 13 && first === contentEnd - 1);
    if (!blank && c === 9) return null; // a tab where indentation goes
    const indent = first - pos;
    if (!blank && indent === 0) {
      // A new top-level key (or something the scan does not understand).
      const m = TOP_KEY.exec(text.slice(pos, contentEnd).replace(/\r$/, ''));
      if (!m) return null;
      closeSection(pos);
      const key = (m[1] ?? m[2])!;
      current = { key, start: pos };
      if (key === 'resources' && m[1] !== undefined) {
        if (resourcesHeader) return null;
        inResources = true;
        resourceIndent = -1;
        resourcesHeader = { key, start: pos, end: lineEnd, text: text.slice(pos, lineEnd) };
      }
    } else if (inResources && !blank) {
      if (resourceIndent === -1) resourceIndent = indent;
      if (indent < resourceIndent) return null;
      if (indent === resourceIndent) {
        const m = RESOURCE_KEY.exec(text.slice(pos, contentEnd));
        if (!m || m[1]!.length !== indent) return null;
        closeResource(pos);
        const raw = m[2]!;
        currentResource = { name: raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw, start: pos };
      } else if (!currentResource) return null;
    } else if (!current && !blank) {
      return null;
    }
    pos = lineEnd;
  }
  closeSection(text.length);
  // Leading comments and blank lines before the first section belong to no block.
  return { sections, resourcesHeader, resources };
}
