// The tables the server's store holds beside the store's own: the designs,
// the simulated cloud's inventory and, on a database shared with engine
// workers, the cluster's state (which an embedded engine never uses).
import { CLUSTER_TABLES } from '@hearth/cluster';
import { SIM_TABLES } from '@hearth/resources';
import type { TableSet } from '@hearth/store';
import { DESIGN_TABLES } from '../designs/tables.ts';

export function serverTables(options: { sharedWithWorkers: boolean }): TableSet[] {
  return [DESIGN_TABLES, SIM_TABLES, ...(options.sharedWithWorkers ? [CLUSTER_TABLES] : [])];
}
