// What the API procedures work with: one store (and the designs kept in it), one engine, the providers.
import type { StackEngine } from '@hearth/engine';
import type { SimulatedCloud } from '@hearth/resources';
import type { Store } from '@hearth/store';
import type { AnalysisPool } from '../analysis/pool.ts';
import type { Designs } from '../designs/store.ts';
import type { OpenStackTargets } from '../targets/index.ts';

export interface ApiLimits {
  /** Bytes of template text (each template and each file). */
  maxTemplateBytes: number;
  /** Files one request may carry (nested templates, get_file). */
  maxFiles: number;
  /** Bytes of one request's body. */
  maxBodyBytes: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { maxTemplateBytes: 2 * 1024 * 1024, maxFiles: 200, maxBodyBytes: 16 * 1024 * 1024 };

export interface HearthServices {
  store: Store;
  /** The designs, in the store's database. */
  designs: Designs;
  /** What runs the stacks: an engine over this process or over engine workers (the server never needs to know which). */
  engine: StackEngine;
  cloud: SimulatedCloud;
  /** The OpenStack clouds stacks may run on (their Heat), and the stacks mirrored from them. */
  openstack: OpenStackTargets;
  limits: ApiLimits;
  allowLocalScripts: boolean;
  /** Where templates from requests are analysed: off the event loop, within time and memory limits. */
  analysis: AnalysisPool;
}

export interface ApiContext {
  services: HearthServices;
  /** The HTTP method the call came with (calls that evaluate templates refuse GET). */
  method: string;
}
