import { describe, expect, it } from 'vitest';
import { heatOutputs, heatState } from './mirror.ts';
import { cloudLink, targetOf, withLink } from './target.ts';

describe('where a stack runs', () => {
  it('is the rehearsal unless its options link it to a cloud', () => {
    expect(targetOf({ options: {} })).toEqual({ kind: 'rehearsal' });
    expect(cloudLink({ options: { cloudStack: { cloud: 'x' } } })).toBeNull();
    const options = withLink(
      { disableRollback: true },
      { cloud: 'mycloud', heatId: 'id-1', heatName: 'web', markers: { 'id-1': 'e9' }, following: true },
    );
    expect(options.disableRollback).toBe(true);
    expect(targetOf({ options })).toEqual({ kind: 'openstack', cloud: 'mycloud' });
    expect(cloudLink({ options })).toEqual({
      cloud: 'mycloud',
      heatId: 'id-1',
      heatName: 'web',
      markers: { 'id-1': 'e9' },
      following: true,
    });
  });
});

describe("Heat's states and outputs", () => {
  it('splits a state into a typed action and status, and refuses what Hearth does not know', () => {
    expect(heatState('ROLLBACK_IN_PROGRESS')).toEqual({ action: 'ROLLBACK', status: 'IN_PROGRESS' });
    expect(heatState('SNAPSHOT_COMPLETE')).toEqual({ action: 'SNAPSHOT', status: 'COMPLETE' });
    expect(heatState('FROBNICATE_COMPLETE')).toBeNull();
    expect(heatState('CREATE')).toBeNull();
  });

  it('keeps outputs Heat resolved, by name', () => {
    const stack = {
      id: 'x',
      stack_name: 'web',
      stack_status: 'CREATE_COMPLETE',
      stack_status_reason: '',
      creation_time: '',
      updated_time: null,
      outputs: [
        { output_key: 'url', output_value: 'http://x' },
        { output_key: 'broken', output_value: null, output_error: 'The Referenced Attribute (a b) is incorrect.' },
        { output_key: 'list', output_value: [1, 2] },
      ],
    };
    expect(heatOutputs(stack)).toEqual({ url: 'http://x', list: [1, 2] });
  });
});
