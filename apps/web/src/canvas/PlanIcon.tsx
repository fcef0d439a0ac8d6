// The plan's actions as small SVG icons (drawn, not font glyphs: the
// full-width signs showed as empty boxes where no font has them). Shape,
// not colour alone, tells the actions apart; they take the text's colour.
export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'retain' | 'unchanged';

const PATHS: Record<PlanAction, string> = {
  create: 'M6 2v8M2 6h8',
  update: 'M1.5 7c1.5-3 3-3 4.5 0s3 3 4.5 0',
  replace: 'M2 4h7l-2-2M10 8H3l2 2',
  delete: 'M2 6h8',
  retain: 'M6 1a5 5 0 1 0 0.01 0M3.5 6h5',
  unchanged: 'M2 4.5h8M2 7.5h8',
};

export function PlanIcon({ action }: { action: string }) {
  const d = PATHS[action as PlanAction];
  if (!d) return null;
  return (
    <svg className="plan-icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
