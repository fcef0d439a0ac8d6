// @hearth/resources: the providers that run resource types.
export { createProviders, extraTypes, type RegistryOptions } from './registry.ts';
export { SimulatedCloud, SIMULATED } from './cloud.ts';
export { SimObjects, SIM_TABLES, type SimObjectRecord } from './sim-objects.ts';
export { settingsOf, type SimulationSettings } from './simulation.ts';
export { LOCAL_SCRIPT, LOCAL_SCRIPT_REFUSED, localScriptSchema } from './local-script.ts';
export { handleAttributes } from './heat.ts';
