// What the canvas shows about running the design: each resource's live
// state, and the plan's action for each resource.
import { create } from 'zustand';

export interface ResourceStatus {
  /** Heat's state, e.g. CREATE_IN_PROGRESS. */
  state: string;
  note: string | null;
}

export interface RunState {
  statuses: Record<string, ResourceStatus>;
  planActions: Record<string, string>;
  setStatuses(statuses: Record<string, ResourceStatus>): void;
  setPlanActions(actions: Record<string, string>): void;
}

export const useRun = create<RunState>()((set) => ({
  statuses: {},
  planActions: {},
  setStatuses: (statuses) => set({ statuses }),
  setPlanActions: (planActions) => set({ planActions }),
}));
