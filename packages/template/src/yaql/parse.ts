// A parser for YAQL expressions (the `yaql` intrinsic function), accepting
// the language Heat's yaql 2.x accepts: its tokens, operators and
// precedences (yaql/language/factory.py, lexer.py, parser.py), so that
// Hearth refuses exactly the expressions Heat refuses.

export type YaqlNode =
  | { k: 'const'; value: string | number | boolean | null }
  | { k: 'keyword'; name: string }
  | { k: 'var'; name: string }
  | { k: 'list'; items: YaqlArg[] }
  | { k: 'map'; items: YaqlArg[] }
  | { k: 'call'; name: string; args: YaqlArg[] }
  | { k: 'index'; target: YaqlNode; args: YaqlArg[] }
  | { k: 'binary'; op: string; left: YaqlNode; right: YaqlNode }
  | { k: 'unary'; op: string; operand: YaqlNode }
  | { k: 'wrap'; inner: YaqlNode };

export type YaqlArg = { k: 'positional'; value: YaqlNode | null } | { k: 'named'; name: YaqlNode; value: YaqlNode };

export class YaqlSyntaxError extends Error {}

type TokenType = 'STRING' | 'NUMBER' | 'FUNC' | 'KEYWORD' | 'DOLLAR' | 'OP' | 'MAPPING' | 'INDEXER' | 'MAP' | 'LIT' | 'CONST';

interface Token {
  type: TokenType;
  value: string;
  pos: number;
  parsed?: string | number | boolean | null;
}

const KEYWORD_OPERATORS = new Set(['mod', 'in', 'not', 'and', 'or']);
const SYMBOL_OPERATORS = ['?.', '=~', '!~', '>=', '<=', '!=', '->', '.', '*', '/', '+', '-', '>', '<', '='];

// Binding power: higher binds tighter (yaql's precedence groups, reversed).
const BINARY: Record<string, { power: number; right?: boolean }> = {
  '.': { power: 11 },
  '?.': { power: 11 },
  '=~': { power: 8 },
  '!~': { power: 8 },
  '*': { power: 7 },
  '/': { power: 7 },
  mod: { power: 7 },
  '+': { power: 6 },
  '-': { power: 6 },
  '>': { power: 5 },
  '<': { power: 5 },
  '>=': { power: 5 },
  '<=': { power: 5 },
  '!=': { power: 5 },
  '=': { power: 5 },
  in: { power: 5 },
  and: { power: 3 },
  or: { power: 2 },
  '->': { power: 1, right: true },
};
const INDEX_POWER = 10;
const PREFIX: Record<string, number> = { '+': 9, '-': 9, not: 4 };

const WORD_START = /[\p{L}\p{M}_]/u;
const WORD = /[\p{L}\p{M}\p{N}_]/u;

function decodeEscapes(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|N\{[^}]+\}|[\\'"abfnrtv])/g, (m, e: string) => {
    if (e[0] === 'U' || e[0] === 'u' || e[0] === 'x') return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    const simple: Record<string, string> = {
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    return simple[e] ?? m;
  });
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const isWord = (c: string | undefined) => c !== undefined && WORD.test(c);
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      while (j < src.length && isWord(src[j])) j++;
      tokens.push({ type: 'DOLLAR', value: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) && (i === 0 || !isWord(src[i - 1]))) {
      const m = /^\d+(\.?\d+)?/.exec(src.slice(i))!;
      const end = i + m[0].length;
      if (!isWord(src[end])) {
        tokens.push({
          type: 'NUMBER',
          value: m[0],
          pos: i,
          parsed: m[0].includes('.') ? Number.parseFloat(m[0]) : Number.parseInt(m[0], 10),
        });
        i = end;
        continue;
      }
    }
    if (WORD_START.test(c) && (i === 0 || !isWord(src[i - 1]))) {
      let j = i + 1;
      while (j < src.length && isWord(src[j])) j++;
      const word = src.slice(i, j);
      if (src[j] === '(') {
        tokens.push({ type: 'FUNC', value: word, pos: i });
        i = j + 1;
        continue;
      }
      if (!word.startsWith('__')) {
        if (KEYWORD_OPERATORS.has(word)) tokens.push({ type: 'OP', value: word, pos: i });
        else if (word === 'true' || word === 'false' || word === 'null') {
          tokens.push({ type: 'CONST', value: word, pos: i, parsed: word === 'null' ? null : word === 'true' });
        } else tokens.push({ type: 'KEYWORD', value: word, pos: i });
        i = j;
        continue;
      }
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j < src.length) {
        const body = src.slice(i + 1, j);
        tokens.push({
          type: 'STRING',
          value: src.slice(i, j + 1),
          pos: i,
          parsed: c === '`' ? body.replace(/\\`/g, '`') : decodeEscapes(body),
        });
        i = j + 1;
        continue;
      }
    }
    if (src.startsWith('=>', i)) {
      tokens.push({ type: 'MAPPING', value: '=>', pos: i });
      i += 2;
      continue;
    }
    const op = SYMBOL_OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'OP', value: op, pos: i });
      i += op.length;
      continue;
    }
    if (c === '[') {
      tokens.push({ type: 'INDEXER', value: c, pos: i });
      i++;
      continue;
    }
    if (c === '{') {
      tokens.push({ type: 'MAP', value: c, pos: i });
      i++;
      continue;
    }
    if ('()],}'.includes(c)) {
      tokens.push({ type: 'LIT', value: c, pos: i });
      i++;
      continue;
    }
    throw new YaqlSyntaxError(`Lexical error: illegal character '${c}' at position ${i}`);
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private unexpected(t: Token | undefined): never {
    if (!t) throw new YaqlSyntaxError('Parse error: unexpected end of statement');
    throw new YaqlSyntaxError(
      `Parse error: unexpected '${t.parsed !== undefined && t.type === 'STRING' ? t.parsed : t.value}' at position ${t.pos} of expression '${this.src}'`,
    );
  }

  parseAll(): YaqlNode {
    const node = this.expr(0);
    if (this.at < this.tokens.length) this.unexpected(this.peek());
    return node;
  }

  private expr(minPower: number): YaqlNode {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      if (!t) return left;
      if (t.type === 'INDEXER') {
        if (INDEX_POWER <= minPower) return left;
        this.at++;
        const args = this.args(']');
        left = { k: 'index', target: left, args };
        continue;
      }
      if (t.type !== 'OP') return left;
      const info = BINARY[t.value];
      if (!info || info.power <= minPower) return left;
      this.at++;
      const right = this.expr(info.right ? info.power - 1 : info.power);
      left = { k: 'binary', op: t.value, left, right };
    }
  }

  private prefix(): YaqlNode {
    const t = this.peek();
    if (!t) this.unexpected(t);
    this.at++;
    switch (t.type) {
      case 'STRING':
      case 'NUMBER':
      case 'CONST':
        return { k: 'const', value: t.parsed ?? null };
      case 'KEYWORD':
        return { k: 'keyword', name: t.value };
      case 'DOLLAR':
        return { k: 'var', name: t.value };
      case 'FUNC':
        return { k: 'call', name: t.value, args: this.args(')') };
      case 'INDEXER':
        return { k: 'list', items: this.args(']') };
      case 'MAP':
        return { k: 'map', items: this.args('}') };
      case 'LIT':
        if (t.value === '(') {
          const inner = this.expr(0);
          this.expect(')');
          return { k: 'wrap', inner };
        }
        return this.unexpected(t);
      case 'OP': {
        const power = PREFIX[t.value];
        if (power === undefined) return this.unexpected(t);
        return { k: 'unary', op: t.value, operand: this.expr(power) };
      }
      default:
        return this.unexpected(t);
    }
  }

  private expect(close: string): void {
    const t = this.peek();
    if (!t || t.type !== 'LIT' || t.value !== close) this.unexpected(t);
    this.at++;
  }

  /**
   * Arguments as yaql's grammar allows them: positional slots, some of them
   * empty (`f(,a)`, `f(a,,b)`) but never the last one, then named ones
   * (`name => value`) with no empty slot among them.
   */
  private args(close: string): YaqlArg[] {
    const slots: Array<{ arg: YaqlArg | null; token: Token }> = [];
    const isClose = (t: Token | undefined) => t?.type === 'LIT' && t.value === close;
    const isComma = (t: Token | undefined) => t?.type === 'LIT' && t.value === ',';
    if (isClose(this.peek())) {
      this.at++;
      return [];
    }
    for (;;) {
      const t = this.peek();
      if (!t) this.unexpected(t);
      if (isComma(t)) {
        slots.push({ arg: null, token: t });
        this.at++;
        continue;
      }
      if (isClose(t)) {
        // A trailing comma left an empty last slot.
        this.unexpected(t);
      }
      const value = this.expr(0);
      let arg: YaqlArg;
      if (this.peek()?.type === 'MAPPING') {
        this.at++;
        arg = { k: 'named', name: value, value: this.expr(0) };
      } else arg = { k: 'positional', value };
      slots.push({ arg, token: t });
      const next = this.peek();
      if (isClose(next)) {
        this.at++;
        break;
      }
      if (!isComma(next)) this.unexpected(next);
      this.at++;
      if (isClose(this.peek())) this.unexpected(this.peek());
      if (isComma(this.peek())) {
        // The comma after a value separates it from an empty slot.
        continue;
      }
    }
    // Rebuild the slot list: every comma not directly after a value is an empty slot.
    const firstNamed = slots.findIndex((s) => s.arg?.k === 'named');
    if (firstNamed >= 0) {
      for (let i = firstNamed; i < slots.length; i++) {
        if (slots[i]!.arg?.k !== 'named') this.unexpected(slots[i]!.token);
      }
      const positional = slots.slice(0, firstNamed);
      if (positional.length) {
        const trimmed = positional[positional.length - 1]!.arg === null ? positional.slice(0, -1) : positional;
        if (!trimmed.length || trimmed[trimmed.length - 1]!.arg === null) this.unexpected(slots[firstNamed]!.token);
      }
    }
    return slots.map((s) => s.arg ?? { k: 'positional', value: null });
  }
}

/** Parses an expression; throws YaqlSyntaxError with yaql's own message. */
export function parseYaql(src: string): YaqlNode {
  const tokens = tokenize(src);
  if (tokens.length === 0) throw new YaqlSyntaxError('Parse error: unexpected end of statement');
  return new Parser(src, tokens).parseAll();
}

export function yaqlSyntaxError(src: string): string | null {
  try {
    parseYaql(src);
    return null;
  } catch (error) {
    if (error instanceof YaqlSyntaxError) return error.message;
    throw error;
  }
}
