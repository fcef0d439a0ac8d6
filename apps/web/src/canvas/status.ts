// How each Heat state looks: an icon and a text beside the colour, so that
// no one needs to tell colours apart (colour-blind-safe palette).
export interface StateStyle {
  icon: string;
  className: string;
  label: string;
}

export function stateStyle(state: string): StateStyle {
  const [action = '', ...rest] = state.split('_');
  const status = rest.join('_');
  if (status === 'IN_PROGRESS') return { icon: '◌', className: 'st-progress', label: `${action.toLowerCase()} in progress` };
  if (status === 'FAILED') return { icon: '✖', className: 'st-failed', label: `${action.toLowerCase()} failed` };
  if (action === 'ROLLBACK' && status === 'COMPLETE') return { icon: '↺', className: 'st-rolledback', label: 'rolled back' };
  if (action === 'DELETE' && status === 'COMPLETE') return { icon: '⊘', className: 'st-deleted', label: 'deleted' };
  if (action === 'SUSPEND' && status === 'COMPLETE') return { icon: '⏸', className: 'st-suspended', label: 'suspended' };
  if (action === 'INIT') return { icon: '○', className: 'st-init', label: 'not started' };
  if (status === 'COMPLETE') return { icon: '✔', className: 'st-complete', label: `${action.toLowerCase()} complete` };
  return { icon: '•', className: 'st-init', label: state };
}
