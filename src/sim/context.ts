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
  /**
   * Read the times in schedule and envelope requests as wall-clock times and map them onto the
   * simulated clock (durations scaled by its speed), for clients that keep real time while the
   * simulator runs faster (the demo). Off by default: the simulator then behaves as the cloud does.
   */
  wallClockControls: boolean;
  /**
   * Variants of behaviour the real cloud may show and the nodes must accept (docs/diagnostics.md).
   * Optional, so a context built by hand needs none of them.
   */
  /** Name of the portal's session cookie; default `.AspNet.ApplicationCookie`. */
  portalSessionCookie?: string;
  /** The Set POST's success answer: `{"success":true}` (default) or `{"success":true,"error":""}`. */
  portalSetAnswer?: 'success' | 'emptyError';
  /**
   * An AJAX request without a live session: 401 `{"error":"Login session expired."}` (default), or
   * OWIN's 200 with an `X-Responded-JSON: {"status":401,…}` header and an empty body.
   */
  portalAjaxUnauthenticated?: 'json401' | 'xRespondedJson';
  /** Answer 404 on `POST /Api/v2/EnergyData/Multiple/BySerialNumber/Dynamic`, as a cloud without it would. */
  missingMultipleV2?: boolean;
  /** Hold every token and API answer this long before sending it (a slow cloud); default 0. */
  answerDelayMs?: number;
  /** Answer a schedule create without `Data.ScheduleId` (no public client reads it; the real cloud may omit it). */
  omitScheduleId: boolean;
  /**
   * The status a delete of a schedule or envelope id the cloud does not hold answers; 404 by
   * default. What Redback answers for an id it removed itself is unknown: 400 or 500 are the variants.
   */
  missingIdDeleteStatus: number;
  /** Report `BatteryCount: 0` in every inverter's static data, battery or not (a cloud bug seen in the wild). */
  batteryCountZero: boolean;
}

export const DEFAULT_SESSION_COOKIE = '.AspNet.ApplicationCookie';

export function sessionCookieName(settings: SimSettings): string {
  return settings.portalSessionCookie || DEFAULT_SESSION_COOKIE;
}

/** A request's time in simulated ms: as sent, or mapped from the wall clock when asked to. */
export function requestTime(ctx: SimContext, ms: number): number {
  if (!ctx.settings.wallClockControls || ctx.clock.speed === 0) return ms;
  return ctx.clock.now() + (ms - ctx.wallNow()) * ctx.clock.speed;
}

/** A request's duration in simulated ms (scaled with wallClockControls). */
export function requestDuration(ctx: SimContext, ms: number): number {
  return ctx.settings.wallClockControls && ctx.clock.speed > 0 ? ms * ctx.clock.speed : ms;
}

export interface SimContext {
  cloud: SimCloud;
  clock: SimClock;
  faults: FaultInjector;
  settings: SimSettings;
  /** Wall-clock time for tokens and sessions, which live in real time whatever the sim clock does. */
  wallNow: () => number;
}
