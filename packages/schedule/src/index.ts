export * from './workflow.ts';
export * from './steps.ts';
export * from './estimates.ts';
export * from './timing.ts';
export * from './why.ts';
export * from './schedule.ts';
export * from './observe.ts';
export * from './view.ts';
