// The clouds a stack can run on besides the rehearsal: what the server holds for them.
import type { EventBus } from '@hearth/engine';
import type { Store } from '@hearth/store';
import { CloudStacks } from './cloud-stacks.ts';
import { Clouds } from './clouds.ts';
import { HeatMirrors, type MirrorOptions } from './mirror.ts';

export interface OpenStackTargets {
  clouds: Clouds;
  stacks: CloudStacks;
  mirrors: HeatMirrors;
  close(): Promise<void>;
}

export function openStackTargets(store: Store, bus: EventBus, options: MirrorOptions & { env?: NodeJS.ProcessEnv } = {}): OpenStackTargets {
  const { env, ...mirrorOptions } = options;
  const clouds = new Clouds(env);
  const mirrors = new HeatMirrors(store, bus, clouds, mirrorOptions);
  return {
    clouds,
    mirrors,
    stacks: new CloudStacks(store, clouds, mirrors),
    async close() {
      await mirrors.close();
      await clouds.close();
    },
  };
}

export { cloudLink, targetOf, type StackTarget } from './target.ts';
export { UnknownCloud } from './clouds.ts';
