/** A small router and response helpers for the simulator's HTTP server (no framework needed). */
import type { IncomingHttpHeaders } from 'http';
import { parseJson as parseJsonText } from '../util/json';

export interface SimRequest {
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  cookies: Record<string, string>;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export type Params = Record<string, string>;
export type Handler = (req: SimRequest, params: Params) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Params;
  /** The route as registered, e.g. `GET /Api/v2/EnergyData/Static/BySerialNumber/{serial}`. */
  route: string;
}

/**
 * Routes match case-insensitively and ignore a trailing slash, as ASP.NET routing does
 * (integrations call `Schedule/Create/By/SerialNumber/` with one). `{name}` captures a segment.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, segments: split(pattern), handler });
    return this;
  }

  /** The handler for a request, `null` for an unknown path, or 405 when only the method is wrong. */
  match(method: string, path: string): RouteMatch | null | 405 {
    const parts = split(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params, route: `${route.method} ${route.pattern}` };
      pathKnown = true;
    }
    return pathKnown ? 405 : null;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], parts: string[]): Params | null {
  if (pattern.length !== parts.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('{') && p.endsWith('}')) {
      params[p.slice(1, -1)] = safeDecode(parts[i]);
    } else if (p.toLowerCase() !== parts[i].toLowerCase()) {
      return null;
    }
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function html(status: number, text: string, headers: Record<string, string | string[]> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: text };
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): SimResponse {
  return { status: 302, headers: { Location: location, ...headers }, body: '' };
}

export function empty(status: number, headers: Record<string, string | string[]> = {}): SimResponse {
  return { status, headers, body: '' };
}

/** An ASP.NET Core style validation error (ProblemDetails). */
export function badRequest(errors: Record<string, string[]>): SimResponse {
  return json(400, {
    type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
  });
}

export function notFound(detail: string): SimResponse {
  return json(404, { type: 'https://tools.ietf.org/html/rfc7231#section-6.5.4', title: 'Not Found', status: 404, detail });
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

export function parseForm(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** The JSON body, or `undefined` when it is missing or not JSON. */
export function parseJson(req: SimRequest): unknown {
  return parseJsonText(req.body.toString('utf8'));
}
