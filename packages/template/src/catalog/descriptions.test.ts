import { describe, expect, it } from 'vitest';
import { typeDescription, typeWords } from './descriptions.ts';
import { paletteTypes } from './catalog.ts';

describe('typeDescription', () => {
  it('splits type names into readable words, keeping acronyms', () => {
    expect(typeWords('QoSAssociation')).toBe('QoS association');
    expect(typeWords('QoSSpecs')).toBe('QoS specs');
    expect(typeWords('LBMemberHealthAlarm')).toBe('LB member health alarm');
    expect(typeWords('VPCGatewayAttachment')).toBe('VPC gateway attachment');
    expect(typeWords('EIP')).toBe('EIP');
    expect(typeWords('RSAContainer')).toBe('RSA container');
    expect(typeWords('L2Gateway')).toBe('L2 gateway');
  });

  it('gives every palette type a description without run-together words', () => {
    for (const t of paletteTypes()) {
      const d = typeDescription(t);
      expect(d, t.name).not.toMatch(/\\b[a-z]+[A-Z]/);
      expect(d, t.name).not.toMatch(/^A [aeiou]/);
    }
    expect(typeDescription(paletteTypes().find((t) => t.name === 'OS::Cinder::QoSAssociation')!)).toBe(
      'A QoS association of the Cinder service.',
    );
  });
});
