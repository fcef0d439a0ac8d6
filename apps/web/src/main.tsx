import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App.tsx';
import { FIXED_NODE_HANDLES } from './canvas/ResourceNode.tsx';
import { useDesign } from './state/design.ts';
import { useRun } from './state/run.ts';
import { followSchedule, useSchedule } from './state/schedule.ts';

// For benchmarks and end-to-end tests: the stores, as the app uses them, and the handles the canvas
// gives nodes before drawing them (a test checks them against the drawn ones).
(window as unknown as { hearth: unknown }).hearth = {
  design: useDesign,
  run: useRun,
  schedule: useSchedule,
  fixedNodeHandles: FIXED_NODE_HANDLES,
};
followSchedule();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
