// Python's fnmatch.fnmatchcase, which Heat uses to match resource names in
// an environment's `resource_registry.resources` (hooks, restricted actions).

const cache = new Map<string, RegExp>();

/** fnmatch.translate: `*` any run, `?` one character, `[seq]` / `[!seq]` a set; the rest literal. */
function translate(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      // As Python: a `]` right after `[` or `[!` is part of the set.
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      const end = pattern.indexOf(']', j);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern
        .slice(i + 1, end)
        .replace(/\\/g, '\\\\')
        .replace(/]/g, '\\]');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      out += `[${body}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

export function fnmatchcase(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = translate(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}
