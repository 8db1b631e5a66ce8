/**
 * Fault injection. A fault matches requests by surface, method and path fragment and fires a
 * number of times (or until cleared). Faults are set from code or through the admin route.
 */
export type Surface = 'token' | 'api' | 'portal' | 'amber';

export type FaultKind =
  /** Answer with `status` (5xx by default 503) and a short body. */
  | 'status'
  /** 429 with `Retry-After: retryAfterSeconds`. */
  | 'rateLimit'
  /** Wait `delayMs` before handling the request normally. */
  | 'slow'
  /** 200 with a truncated JSON body. */
  | 'malformedJson'
  /** 200 with an HTML error page where JSON is expected. */
  | 'html'
  /** Close the connection without answering. */
  | 'disconnect'
  /** The portal login page is served without its anti-forgery token. */
  | 'loginWithoutToken'
  /** The request is applied, then the connection is closed without an answer (a lost answer). */
  | 'dropAnswer'
  /** The request is applied, then answered with `status` (default 502, a gateway's error) instead. */
  | 'statusAfterApply'
  /** The request is applied at once, and its answer held back `delayMs` (default 30 s). */
  | 'slowAnswer'
  /** Amber only: the prices as they were `staleMinutes` (default 10) ago. */
  | 'stale';

export const FAULT_KINDS: readonly FaultKind[] = [
  'status', 'rateLimit', 'slow', 'malformedJson', 'html', 'disconnect', 'loginWithoutToken', 'dropAnswer', 'statusAfterApply', 'slowAnswer', 'stale',
];

export interface FaultSpec {
  kind: FaultKind;
  /** Which surface it applies to; default: every surface. */
  surface?: Surface;
  /** HTTP method; default: any. */
  method?: string;
  /** Case-insensitive fragment of the request path; default: any path. */
  path?: string;
  /** How many requests it affects; default: every one until cleared. */
  times?: number;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Body for `status` faults. */
  body?: string;
  staleMinutes?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): number {
    validate(spec);
    const id = this.nextId++;
    this.faults.push({ ...spec, id, remaining: spec.times ?? Infinity });
    return id;
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Takes (and counts down) the first fault of one of `kinds` that matches the request. */
  take(kinds: readonly FaultKind[], surface: Surface, method: string, path: string): ActiveFault | undefined {
    const lowerPath = path.toLowerCase();
    const fault = this.faults.find(
      (f) =>
        kinds.includes(f.kind) &&
        (f.surface === undefined || f.surface === surface) &&
        (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.path === undefined || lowerPath.includes(f.path.toLowerCase())),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}

function validate(spec: FaultSpec): void {
  if (!FAULT_KINDS.includes(spec.kind)) throw new RangeError(`unknown fault kind: ${String(spec.kind)}`);
  if (spec.surface !== undefined && !['token', 'api', 'portal', 'amber'].includes(spec.surface)) {
    throw new RangeError(`unknown surface: ${String(spec.surface)}`);
  }
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    throw new RangeError(`times must be a positive integer, got ${String(spec.times)}`);
  }
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
    throw new RangeError(`invalid status: ${String(spec.status)}`);
  }
}
