import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App.tsx';
import { useDesign } from './state/design.ts';
import { useRun } from './state/run.ts';
import { followSchedule, useSchedule } from './state/schedule.ts';

// For benchmarks and end-to-end tests: the stores, as the app uses them.
(window as unknown as { hearth: unknown }).hearth = { design: useDesign, run: useRun, schedule: useSchedule };
followSchedule();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
