/**
 * The fault matrix of issue 8: every simulator fault, how to turn it on and off, and what each
 * node must report while it lasts. Used by test/reliability/reliability-fault-matrix.test.ts.
 */
import type { FaultSpec } from '../../src/sim/faults';
import type { RedbackSimulator } from '../../src/sim';
import { statusClock } from '../../src/util/node-status';
import { FIXED_START } from './sim';

/** The node under test: the read node, or the control node with one of its two methods. */
export type Target = 'read' | 'schedule' | 'portal';

/** The request each target depends on, for faults aimed at one exchange. */
const EXCHANGE: Record<Target, Pick<FaultSpec, 'surface' | 'method' | 'path'>> = {
  read: { surface: 'api', method: 'GET', path: 'Dynamic/BySerialNumber' },
  schedule: { surface: 'api', method: 'POST', path: 'Schedule/Create' },
  portal: { surface: 'portal', method: 'POST', path: '/productcontrol/Index' },
};

/** How each target names its failing request in an error message. */
/** What a control write whose answer the fault leaves unknown adds after the error: what the read-back found. */
const NOT_APPLIED = /not applied \(read back: (the inverter's schedule list holds no discharge starting \S+|inverter RB21081800001734 reports Auto)\)(; the revert to Auto stays armed for the deadline)?/;
const TIMED_OUT_NOT_APPLIED = new RegExp(`timed out; ${NOT_APPLIED.source}`);

const REQUEST_LINE: Record<Target, string> = {
  read: 'GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB21081800001734 failed: ',
  schedule: 'POST /Api/v2/Schedule/Create/By/SerialNumber failed: ',
  portal: 'POST /productcontrol/Index failed: ',
};

export interface FaultCase {
  name: string;
  targets: Target[];
  apply(sim: RedbackSimulator, target: Target): void | Promise<void>;
  clear(sim: RedbackSimulator): void | Promise<void>;
  /** How long after the clear the node may wait before it tries again (the credential backoff). */
  recoverAfterMs?: number;
  /**
   * What the node must report: the error message (after the request line for `perRequest`) and
   * the read node's status; or `transparent` when the package must ride over the fault unnoticed
   * (a single expired token or portal session is renewed once).
   */
  expect:
    | { kind: 'error'; message: RegExp; perRequest: boolean; readStatus?: { fill: string; text: string }; readBack?: RegExp }
    | { kind: 'transparent'; renewal: 'token' | 'login' };
}

const clearFaults = (sim: RedbackSimulator): void => sim.faults.clear();
const aimed = (spec: FaultSpec) => (sim: RedbackSimulator, target: Target): void => void sim.faults.add({ ...EXCHANGE[target], ...spec });

export const SIM_SECRET = 'sim-client-secret';
const REJECTION_BODY = JSON.stringify({ title: 'One or more validation errors occurred.', errors: { Duration: ['rejected by the fault matrix'] } });

export const FAULT_CASES: FaultCase[] = [
  {
    name: '5xx',
    targets: ['read', 'schedule', 'portal'],
    apply: aimed({ kind: 'status', status: 503, body: 'Service Unavailable: planned maintenance' }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^HTTP 503 Service Unavailable: planned maintenance$/, readStatus: { fill: 'yellow', text: 'retrying: cloud error 503' }, readBack: NOT_APPLIED },
  },
  {
    name: '429 with Retry-After',
    targets: ['read', 'schedule'],
    apply: aimed({ kind: 'rateLimit', retryAfterSeconds: 5 }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^HTTP 429 Too Many Requests \(the cloud asked to wait 5 s\)$/, readStatus: { fill: 'yellow', text: 'retrying: rate limited (429)' } },
  },
  {
    name: 'a response slower than the timeout',
    targets: ['read', 'schedule'],
    apply: aimed({ kind: 'slow', delayMs: 60_000 }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^no answer within 30 s$/, readStatus: { fill: 'yellow', text: 'retrying: timeout' }, readBack: TIMED_OUT_NOT_APPLIED },
  },
  {
    name: 'connection refused',
    targets: ['read', 'schedule'],
    apply: (sim) => sim.stop(),
    clear: async (sim) => void (await sim.start()),
    expect: { kind: 'error', perRequest: false, message: /^(GET|POST|DELETE) \/Api\/\S+ failed: ECONNREFUSED \(connection refused\) reaching 127\.0\.0\.1:\d+$/, readStatus: { fill: 'yellow', text: 'retrying: cloud unreachable' } },
  },
  {
    name: 'malformed JSON',
    targets: ['read', 'schedule'],
    apply: aimed({ kind: 'malformedJson' }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^the cloud answered with malformed JSON$/, readStatus: { fill: 'yellow', text: 'retrying: bad answer from cloud' }, readBack: NOT_APPLIED },
  },
  {
    name: 'HTML instead of JSON',
    targets: ['read', 'schedule'],
    apply: aimed({ kind: 'html' }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^the cloud answered with an HTML page instead of JSON$/, readStatus: { fill: 'yellow', text: 'retrying: bad answer from cloud' }, readBack: NOT_APPLIED },
  },
  {
    name: 'an expired token',
    // The portal method needs no token once sites and static data are cached.
    targets: ['read', 'schedule'],
    apply: (sim) => sim.expireTokens(),
    clear: () => undefined,
    expect: { kind: 'transparent', renewal: 'token' },
  },
  {
    name: 'tokens the API refuses however fresh',
    targets: ['read', 'schedule'],
    apply: (sim) => {
      sim.settings.tokenLifetimeSeconds = 0;
      sim.expireTokens();
    },
    clear: (sim) => void (sim.settings.tokenLifetimeSeconds = 3600),
    expect: { kind: 'error', perRequest: false, message: /^(GET|POST|DELETE) \/Api\/\S+ failed: HTTP 401( .*)?: the API refused a fresh token$/, readStatus: { fill: 'red', text: 'credentials refused' } },
  },
  {
    name: 'wrong credentials (the secret revoked)',
    targets: ['read', 'schedule'],
    apply: (sim) => {
      sim.cloud.accounts[0].clientSecret = 'revoked-by-the-fault-matrix';
      sim.expireTokens();
    },
    clear: (sim) => void (sim.cloud.accounts[0].clientSecret = SIM_SECRET),
    // The token endpoint is asked again a minute after a refusal, not at once (issue 13).
    recoverAfterMs: 60_000,
    expect: {
      kind: 'error', perRequest: false,
      message: /^POST \/Api\/v2\/Auth\/token failed: HTTP 401 unauthorized_client: The client secret supplied for a confidential client is invalid\. \(check the client id and client secret\); next try at \S+Z$/,
      readStatus: { fill: 'red', text: `credentials refused · next try ${statusClock(Date.parse(FIXED_START) + 60_000)}` },
    },
  },
  {
    name: 'an expired portal session',
    targets: ['portal'],
    apply: (sim) => sim.expirePortalSessions(),
    clear: () => undefined,
    expect: { kind: 'transparent', renewal: 'login' },
  },
  {
    name: 'portal sessions that end at once',
    targets: ['portal'],
    apply: (sim) => {
      sim.settings.portalSessionMinutes = 0;
      sim.expirePortalSessions();
    },
    clear: (sim) => void (sim.settings.portalSessionMinutes = 30),
    expect: { kind: 'error', perRequest: false, message: /^the Redback portal session ended again right after a new login, so the mode of RB21081800001734 was not set \(.*login page.*\)$/ },
  },
  {
    name: 'a login page without its token',
    targets: ['portal'],
    apply: (sim) => {
      sim.expirePortalSessions();
      sim.faults.add({ kind: 'loginWithoutToken' });
    },
    clear: clearFaults,
    expect: { kind: 'error', perRequest: false, message: /^GET \/Account\/Login failed: the Redback portal login page has changed: no anti-forgery token in form\.login-form$/, readBack: NOT_APPLIED },
  },
  {
    name: 'a schedule create rejected with 400',
    targets: ['schedule'],
    apply: aimed({ kind: 'status', status: 400, body: REJECTION_BODY }),
    clear: clearFaults,
    expect: { kind: 'error', perRequest: true, message: /^HTTP 400 One or more validation errors occurred\. Duration: rejected by the fault matrix$/ },
  },
];

/** The full expected error message for a target. */
export function expectedMessage(c: FaultCase, target: Target): RegExp {
  if (c.expect.kind !== 'error') throw new Error(`${c.name} expects no error`);
  const { message, perRequest } = c.expect;
  const line = perRequest ? REQUEST_LINE[target].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : '';
  const full = `^${line}${message.source.replace(/^\^/, '').replace(/\$$/, '')}`;
  // A control write whose outcome the fault leaves unknown is read back, and the message says what was found (issue 14).
  if (target !== 'read' && c.expect.readBack) return new RegExp(`${full}; ${c.expect.readBack.source}$`);
  return new RegExp(`${full}$`);
}
