/** The simulated Amber account: its API key, its sites and how its forecasts behave. */
import type { AemoRegion } from './amber-aemo';
import { DEFAULT_FORECAST_MODEL, type ForecastModel } from './amber-forecast-model';

export interface AmberSiteDef {
  /** Amber's site id (a ULID). */
  id: string;
  nmi: string;
  network: string;
  /** Which AEMO month prices the site. */
  region: AemoRegion;
  /** The site's local time for the tariff's 16:00–21:00 window, minutes from UTC (600 = AEST). */
  utcOffsetMinutes: number;
  activeFrom: string;
}

export interface AmberFeedOptions extends Partial<ForecastModel> {
  /** The bearer key the feed accepts; default DEFAULT_AMBER_KEY. */
  apiKey?: string;
  sites?: AmberSiteDef[];
  /** Where the AEMO files are; default the package's `data/pricing`. */
  dataDir?: string;
}

export interface AmberFeedSettings {
  apiKey: string;
  sites: AmberSiteDef[];
  model: ForecastModel;
  dataDir?: string;
}

/** The simulator's Amber key (`psk_` and 32 hex digits, like a real one). Not a secret. */
export const DEFAULT_AMBER_KEY = 'psk_5133a2b0f7e94c0d8d1b2e3f4a5b6c7d';

export const DEFAULT_AMBER_SITES: readonly AmberSiteDef[] = [
  { id: '01HSMAMBERNSW0000000000001', nmi: '4103000001', network: 'Ausgrid', region: 'NSW1', utcOffsetMinutes: 600, activeFrom: '2024-01-01' },
  { id: '01HSMAMBERV1C0000000000002', nmi: '6305000002', network: 'CitiPower', region: 'VIC1', utcOffsetMinutes: 600, activeFrom: '2024-01-01' },
];

export function amberFeedSettings(options: AmberFeedOptions = {}): AmberFeedSettings {
  const { apiKey, sites, dataDir, ...model } = options;
  const defined = Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined));
  return {
    apiKey: apiKey ?? DEFAULT_AMBER_KEY,
    sites: (sites ?? DEFAULT_AMBER_SITES).map((s) => ({ ...s })),
    model: { ...DEFAULT_FORECAST_MODEL, ...defined },
    dataDir,
  };
}
