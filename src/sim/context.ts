/** What every group of simulator routes shares. */
import type { SimClock } from './clock';
import type { SimCloud } from './cloud';
import type { FaultInjector } from './faults';

export interface SimSettings {
  /** `expires_in` of issued tokens, seconds (the cloud's is at most 3600). */
  tokenLifetimeSeconds: number;
  /** Send `expires_in` as a numeric string, a variant clients must accept. */
  expiresInAsString: boolean;
  /** Portal sessions end this many wall-clock minutes after login. */
  portalSessionMinutes: number;
  /** Reject a portal Set whose RossVersion is not the inverter's SoftwareVersion. */
  strictRossVersion: boolean;
}

export interface SimContext {
  cloud: SimCloud;
  clock: SimClock;
  faults: FaultInjector;
  settings: SimSettings;
  /** Wall-clock time for tokens and sessions, which live in real time whatever the sim clock does. */
  wallNow: () => number;
}
