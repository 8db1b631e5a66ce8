/** Shared helpers for tests that talk to the simulator over real HTTP on loopback. */
import { DEFAULT_CREDENTIALS, RedbackSimulator, type SimulatorOptions } from '../../src/sim';

export const FIXED_START = '2026-01-15T02:00:00Z'; // 12:00 in Brisbane

/** A simulator on a free loopback port with a frozen clock at FIXED_START unless told otherwise. */
export async function startSim(options: SimulatorOptions = {}): Promise<RedbackSimulator> {
  const sim = new RedbackSimulator({ clock: { start: FIXED_START, speed: 0 }, ...options });
  await sim.start();
  return sim;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export async function getToken(sim: RedbackSimulator, creds = DEFAULT_CREDENTIALS): Promise<string> {
  const res = await request(`${sim.url}/Api/v2/Auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ client_id: creds.clientId, client_secret: creds.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** Calls the public API with a bearer token; `body` is sent as JSON. */
export async function api(sim: RedbackSimulator, token: string, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return request(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
