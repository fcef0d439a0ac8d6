import { describe, expect, it } from 'vitest';
import { fnmatchcase } from './fnmatch.ts';

describe('fnmatchcase', () => {
  // Each answer is Python 3's fnmatch.fnmatchcase.
  it.each([
    ['web', 'w*', true],
    ['web', '*', true],
    ['web', 'we?', true],
    ['web', '[wx]eb', true],
    ['web', '[!w]eb', false],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false],
    ['web1', 'web', false],
    ['w]', 'w]', true],
    ['w[', 'w[', true],
    ['server_1', 'server_[0-9]', true],
    ['Web', 'web', false],
    [']', '[]]', true],
    ['a', '[!]]', true],
  ])('%s against %s is %s', (name, pattern, expected) => {
    expect(fnmatchcase(name, pattern)).toBe(expected);
  });
});
