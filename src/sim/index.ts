/** The Redback cloud simulator, for tests, demos and offline flow development. */
export { RedbackSimulator, UNMATCHED, type SimulatorOptions, type RequestRecord } from './server';
export { SimClock, type SimClockOptions } from './clock';
export { DEFAULT_CREDENTIALS, FLEET_CREDENTIALS, defaultAccount, fleetAccount } from './scenarios';
export type { FaultSpec, FaultKind, Surface } from './faults';
export * from './types';
export { Replay } from './replay';
export { DEFAULT_AMBER_KEY, DEFAULT_AMBER_SITES, type AmberFeedOptions, type AmberSiteDef } from './amber-sites';
