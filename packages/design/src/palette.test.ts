import { describe, expect, it } from 'vitest';
import { paletteMatch } from './palette.ts';

const sg = { name: 'OS::Neutron::SecurityGroup', description: 'A security group is a named container for security group rules.' };
const server = { name: 'OS::Nova::Server', description: 'A virtual machine.' };

describe('paletteMatch', () => {
  it('finds a type by the words of its name, in any order, or by its service', () => {
    expect(paletteMatch('security group', { ...sg, description: '' })).toBe(true);
    expect(paletteMatch('group security', { ...sg, description: '' })).toBe(true);
    expect(paletteMatch('neutron::security', sg)).toBe(true);
    expect(paletteMatch('nova', server)).toBe(true);
    expect(paletteMatch('security group', server)).toBe(false);
    expect(paletteMatch('  ', server)).toBe(true);
  });
});
