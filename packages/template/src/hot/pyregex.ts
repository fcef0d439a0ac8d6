// allowed_pattern constraints are Python regular expressions. This turns the
// common Python-only syntax into JavaScript's and matches the way Heat does:
// re.match from the start, and the match must cover the whole value.

export type CompiledPattern = { ok: true; test: (value: string) => boolean } | { ok: false; error: string };

export function compilePythonPattern(pattern: string): CompiledPattern {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('m')) flags += 'm';
    if (inline[1]!.includes('s')) flags += 's';
    if (inline[1]!.includes('x')) source = stripVerbose(source);
  }
  source = source
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})`, flags);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return {
    ok: true,
    test: (value: string) => {
      const m = re.exec(value);
      return m !== null && m[0].length === value.length;
    },
  };
}

function stripVerbose(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    if (!inClass && /\s/.test(c)) continue;
    if (!inClass && c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    out += c;
  }
  return out;
}
