// Plain scalars resolved exactly as PyYAML's SafeLoader (YAML 1.1) does it,
// with Heat's one change: timestamps stay strings.
import type { ScalarValue, YScalar } from './nodes.ts';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

export type Resolved = { type: YScalar['type']; value: ScalarValue } | { error: string };

const TRUE_WORDS = new Set(['yes', 'true', 'on']);

/** Python's re `$` also matches before one trailing newline. */
function test(re: RegExp, text: string): boolean {
  return re.test(text) || (text.endsWith('\n') && re.test(text.slice(0, -1)));
}

export function resolvePlain(text: string): Resolved {
  const first = text.charAt(0);
  if (first === '' || first === '~' || first === 'n' || first === 'N') {
    if (test(NULL, text)) return { type: 'null', value: null };
  }
  if ('yYnNtTfFoO'.includes(first) && first !== '' && test(BOOL, text)) {
    return { type: 'bool', value: TRUE_WORDS.has(text.toLowerCase()) };
  }
  if ('-+0123456789.'.includes(first) && first !== '') {
    if (test(FLOAT, text)) return { type: 'float', value: constructFloat(text) };
    if (first !== '.' && test(INT, text)) return { type: 'int', value: constructInt(text) };
  }
  if (first === '=' && text === '=') {
    return { error: "could not determine a constructor for the tag 'tag:yaml.org,2002:value'" };
  }
  // Timestamps resolve to their own tag; Heat's loader constructs them as strings.
  if (first >= '0' && first <= '9' && test(TIMESTAMP, text)) return { type: 'str', value: text };
  return { type: 'str', value: text };
}

function sexagesimal(text: string): number {
  let value = 0;
  for (const part of text.split(':')) value = value * 60 + Number(part);
  return value;
}

export function constructInt(source: string): number {
  let text = source.replace(/_/g, '');
  let sign = 1;
  if (text[0] === '-') sign = -1;
  if (text[0] === '+' || text[0] === '-') text = text.slice(1);
  if (text === '0') return 0;
  if (text.startsWith('0b')) return sign * parseInt(text.slice(2), 2);
  if (text.startsWith('0x')) return sign * parseInt(text.slice(2), 16);
  if (text[0] === '0') return sign * parseInt(text, 8);
  if (text.includes(':')) return sign * sexagesimal(text);
  return sign * Number(text);
}

export function constructFloat(source: string): number {
  let text = source.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (text[0] === '-') sign = -1;
  if (text[0] === '+' || text[0] === '-') text = text.slice(1);
  if (text === '.inf') return sign * Infinity;
  if (text === '.nan') return NaN;
  if (text.includes(':')) return sign * sexagesimal(text);
  return sign * Number(text);
}

/** Scalars with an explicit tag (`!!int "3"`), as SafeConstructor builds them. */
export function resolveTagged(tag: string, text: string): Resolved {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
    case 'tag:yaml.org,2002:timestamp':
      return { type: 'str', value: text };
    case 'tag:yaml.org,2002:null':
      return { type: 'null', value: null };
    case 'tag:yaml.org,2002:bool': {
      const lower = text.toLowerCase();
      if (!BOOL.test(text) && !['yes', 'no', 'true', 'false', 'on', 'off'].includes(lower)) {
        return { error: `invalid boolean value '${text}'` };
      }
      return { type: 'bool', value: TRUE_WORDS.has(lower) };
    }
    case 'tag:yaml.org,2002:int': {
      const value = constructInt(text);
      return Number.isNaN(value) ? { error: `invalid literal for int(): '${text}'` } : { type: 'int', value };
    }
    case 'tag:yaml.org,2002:float': {
      const value = constructFloat(text);
      return Number.isNaN(value) && !/nan/i.test(text)
        ? { error: `could not convert string to float: '${text}'` }
        : { type: 'float', value };
    }
    case 'tag:yaml.org,2002:binary':
      return { type: 'binary', value: text.replace(/\s+/g, '') };
    default:
      return { error: `could not determine a constructor for the tag '${tag}'` };
  }
}

/** JSON scalars, for templates written in JSON (Heat reads those with json.loads). */
export function resolveJsonPlain(text: string): Resolved {
  if (text === 'true') return { type: 'bool', value: true };
  if (text === 'false') return { type: 'bool', value: false };
  if (text === 'null') return { type: 'null', value: null };
  const value = Number(text);
  if (text !== '' && !Number.isNaN(value)) {
    return { type: /[.eE]/.test(text) ? 'float' : 'int', value };
  }
  return { type: 'str', value: text };
}
