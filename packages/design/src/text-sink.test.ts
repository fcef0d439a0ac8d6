import { describe, expect, it } from 'vitest';
import { minimalReplacement } from './text-sink.ts';

describe('minimalReplacement', () => {
  it('finds the one changed span', () => {
    expect(minimalReplacement('abcdef', 'abXYef')).toEqual({ start: 2, end: 4, text: 'XY' });
    expect(minimalReplacement('abc', 'abc')).toBeNull();
    expect(minimalReplacement('aaa', 'aaaa')).toEqual({ start: 3, end: 3, text: 'a' });
    expect(minimalReplacement('line1\nline2\n', 'line1\n')).toEqual({ start: 6, end: 12, text: '' });
  });
});
