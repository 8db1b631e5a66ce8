/**
 * The diagnostics file a user downloads from the config dialog (docs/diagnostics.md): versions,
 * the account's settings (never its credentials, only whether each is set) and what the
 * recorder holds.
 */
import fs from 'fs';
import path from 'path';
import type { AccountCredentials } from '../account/account';
import type { AccountSettings } from '../account/settings';
import type { DiagnosticsRecorder, RecordedEndpoint } from './recorder';

export const DIAGNOSTICS_FORMAT = 'redback-diagnostics';
export const DIAGNOSTICS_VERSION = 1;
const PACKAGE_NAME = '@solar-nodes/node-red-redback';

export interface DiagnosticsFile {
  format: typeof DIAGNOSTICS_FORMAT;
  version: typeof DIAGNOSTICS_VERSION;
  createdAt: string;
  versions: { package: string; nodeRed: string; node: string };
  settings: {
    apiUrl: string;
    portalUrl: string;
    tokenUrl: string;
    tokenScope: string;
    timeoutS: number;
    credentials: Record<keyof AccountCredentials, 'set' | 'not set'>;
  };
  endpoints: RecordedEndpoint[];
}

export function diagnosticsFile(input: {
  settings: AccountSettings;
  credentials: AccountCredentials;
  recorder: DiagnosticsRecorder;
  nodeRedVersion: string;
  now?: number;
}): DiagnosticsFile {
  const { settings, credentials, recorder } = input;
  const set = (value: string | undefined): 'set' | 'not set' => (value ? 'set' : 'not set');
  return {
    format: DIAGNOSTICS_FORMAT,
    version: DIAGNOSTICS_VERSION,
    createdAt: new Date(input.now ?? Date.now()).toISOString(),
    versions: { package: packageVersion(), nodeRed: input.nodeRedVersion, node: process.version },
    settings: {
      apiUrl: settings.apiUrl,
      portalUrl: settings.portalUrl,
      tokenUrl: settings.tokenUrl,
      tokenScope: settings.tokenScope,
      timeoutS: settings.timeoutS,
      credentials: {
        clientId: set(credentials.clientId),
        clientSecret: set(credentials.clientSecret),
        email: set(credentials.email),
        password: set(credentials.password),
      },
    },
    endpoints: recorder.snapshot(),
  };
}

let version: string | undefined;

/** This package's version, from its package.json (found above this file, in src/ or dist/src/). */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME) return (version = pkg.version ?? 'unknown');
    } catch {
      // not here
    }
    if (path.dirname(dir) === dir) return (version = 'unknown');
  }
}

/** A file name for the download: `redback-diagnostics-2026-01-15T0200.json`. */
export function diagnosticsFileName(now = Date.now()): string {
  return `redback-diagnostics-${new Date(now).toISOString().slice(0, 16).replace(/:/g, '')}.json`;
}
