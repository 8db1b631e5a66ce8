/** Ready-made simulated accounts: a small showcase of system variants, and a large fleet for load tests. */
import { AccountDef, BatteryDef, EnergyCounters, InverterDef, SiteDef } from './types';
import { noise } from './noise';

export const DEFAULT_CREDENTIALS = {
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  email: 'owner@example.com',
  password: 'sim-portal-password',
} as const;

export const FLEET_CREDENTIALS = {
  clientId: 'fleet-client-id',
  clientSecret: 'fleet-client-secret',
  email: 'fleet@example.com',
  password: 'fleet-portal-password',
};

const BRISBANE = {
  utcOffsetMinutes: 600,
  location: { suburb: 'Brisbane', state: 'QLD', postCode: '4000', latitude: -27.47, longitude: 153.03 },
};
const ADELAIDE = {
  utcOffsetMinutes: 570,
  location: { suburb: 'Adelaide', state: 'SA', postCode: '5000', latitude: -34.93, longitude: 138.6 },
};
const SYDNEY = {
  utcOffsetMinutes: 600,
  location: { suburb: 'Sydney', state: 'NSW', postCode: '2000', latitude: -33.87, longitude: 151.21 },
};
const PERTH = {
  utcOffsetMinutes: 480,
  location: { suburb: 'Perth', state: 'WA', postCode: '6000', latitude: -31.95, longitude: 115.86 },
};
type City = typeof BRISBANE;

function counters(
  pvKWh: number, loadKWh: number, importKWh: number, exportKWh: number,
  batteryChargeKWh: number, batteryDischargeKWh: number,
): EnergyCounters {
  return { pvKWh, loadKWh, importKWh, exportKWh, batteryChargeKWh, batteryDischargeKWh };
}

/** RB600 modules of 3.555 kWh and about 50 V each; four make the cloud fixture's 14.22 kWh, 200 V pack. */
function rb600Battery(moduleCount: number, batteryModels: string[]): BatteryDef {
  return {
    moduleCount,
    moduleModel: 'RB600',
    batteryModels,
    capacityKWh: Math.round(3.555 * moduleCount * 1000) / 1000,
    maxChargeKW: 10,
    maxDischargeKW: 10,
    voltageType: 'HV',
    nominalVoltageV: 50 * moduleCount,
    cabinetCount: 1,
    minSoc0to1: 0.1,
    minOffgridSoc0to1: 0.05,
  };
}

function st10000(serial: string, battery: BatteryDef, extra: Partial<InverterDef>): InverterDef {
  return {
    serial,
    model: 'ST10000',
    softwareVersion: '2.16.32211.1',
    firmwareVersion: '080819',
    systemType: 'Hybrid',
    panelKW: 9.96,
    pvStringCount: 2,
    inverterMaxExportKW: 10,
    inverterMaxImportKW: 10,
    battery,
    loadShare: 1,
    baseLoadKW: 0.9,
    initialSoc0to1: 0.6,
    initialCounters: counters(5413.9, 3157.7, 175.108, 2612.829, 8856.1, 8235.3),
    ...extra,
  };
}

function sh5000(serial: string, extra: Partial<InverterDef>): InverterDef {
  return {
    serial,
    model: 'SH5000',
    softwareVersion: '2.17.32303.7',
    firmwareVersion: '091122',
    systemType: 'Hybrid',
    panelKW: 6.6,
    pvStringCount: 2,
    inverterMaxExportKW: 5,
    inverterMaxImportKW: 5,
    battery: {
      moduleCount: 2,
      moduleModel: 'RB600',
      batteryModels: ['RB600', 'RB600'],
      capacityKWh: 9.5,
      maxChargeKW: 4.6,
      maxDischargeKW: 4.6,
      voltageType: 'HV',
      nominalVoltageV: 100,
      cabinetCount: 1,
      minSoc0to1: 0.1,
      minOffgridSoc0to1: 0.05,
    },
    loadShare: 1,
    baseLoadKW: 0.7,
    initialSoc0to1: 0.45,
    initialCounters: counters(3921.4, 2870.2, 512.633, 1603.75, 2410.5, 2187.9),
    ...extra,
  };
}

function site(
  siteId: string, nmi: string | null, city: City, phases: 1 | 3, addressLineOne: string,
  commissioningDate: string, inverters: InverterDef[], siteExportLimitKW: number | null = null,
): SiteDef {
  return {
    siteId,
    nmi,
    utcOffsetMinutes: city.utcOffsetMinutes,
    phases,
    location: { addressLineOne, ...city.location },
    siteExportLimitKW,
    commissioningDate,
    inverters,
  };
}

/** Four sites: three-phase ST10000, single-phase SH5000, battery-less SI5000, and a two-inverter site. */
export function defaultAccount(): AccountDef {
  const gridTie: InverterDef = {
    serial: 'RB23110200007785',
    model: 'SI5000',
    softwareVersion: '2.15.31018.2',
    firmwareVersion: '070512',
    systemType: 'GridTie',
    panelKW: 5,
    pvStringCount: 1,
    inverterMaxExportKW: 5,
    inverterMaxImportKW: 0,
    battery: null,
    loadShare: 1,
    baseLoadKW: 0.6,
    initialSoc0to1: 0,
    // load = pv - export + import
    initialCounters: counters(8123.4, 7001.2, 3890.5, 5012.7, 0, 0),
  };
  return {
    ...DEFAULT_CREDENTIALS,
    sites: [
      site('S4b1e7c20d93a5', '3120456789', BRISBANE, 3, '12 Example Street', '2022-08-18', [
        st10000('RB21081800001734', rb600Battery(4, ['RB600', 'Unknown', 'Unknown', 'Unknown']), {}),
      ]),
      site('S7c0d2e9f4a61b', '2002345678', ADELAIDE, 1, '4 Sample Avenue', '2023-03-15', [
        sh5000('RB22031500004412', {}),
      ]),
      site('S9e2f4a6c8b0d1', null, BRISBANE, 1, '88 Placeholder Road', '2021-11-02', [gridTie], 5),
      site('Sa05d3c7e1f928', '3120987654', BRISBANE, 3, '7 Demo Crescent', '2024-05-06', [
        st10000('RB24050600002201', rb600Battery(3, ['RB600', 'RB600', 'RB600']), {
          loadShare: 0.5, baseLoadKW: 1.6, initialSoc0to1: 0.7,
          initialCounters: counters(2231.6, 1502.4, 88.412, 1190.551, 1720.3, 1534.8),
        }),
        st10000('RB24050600002202', rb600Battery(3, ['RB600', 'RB600', 'RB600']), {
          loadShare: 0.5, baseLoadKW: 1.6, initialSoc0to1: 0.55,
          initialCounters: counters(2219.8, 1502.4, 91.07, 1175.236, 1698.2, 1511.6),
        }),
      ]),
    ],
  };
}

const FLEET_CITIES: City[] = [BRISBANE, SYDNEY, ADELAIDE, PERTH];

/** n battery inverters, two per site (loadShare 0.5 each; a lone last inverter gets the whole site). */
export function fleetAccount(
  n: number,
  opts: { clientId?: string; clientSecret?: string; email?: string; password?: string } = {},
): AccountDef {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`invalid fleet size: ${n}`);
  const sites: SiteDef[] = [];
  for (let s = 0; s * 2 < n; s++) {
    const count = Math.min(2, n - s * 2);
    const threePhase = s % 2 === 0;
    const inverters: InverterDef[] = [];
    for (let k = 0; k < count; k++) {
      const i = s * 2 + k;
      const years = 0.5 + 4 * noise('fleet:age', i);
      const extra: Partial<InverterDef> = {
        loadShare: 1 / count,
        baseLoadKW: threePhase ? 1.6 : 1.2,
        initialSoc0to1: Math.round((0.2 + 0.7 * noise('fleet:soc', i)) * 1000) / 1000,
        initialCounters: counters(
          kWh(years * 4200), kWh(years * 3300), kWh(years * 400), kWh(years * 1800), kWh(years * 2000), kWh(years * 1850)),
      };
      const serial = `RB${80_000_000_000_000 + i}`;
      inverters.push(threePhase
        ? st10000(serial, rb600Battery(4, ['RB600', 'Unknown', 'Unknown', 'Unknown']), extra)
        : sh5000(serial, extra));
    }
    sites.push(site(
      `S${(0xf1ee000000000 + s).toString(16)}`, `QF${String(s).padStart(8, '0')}`, FLEET_CITIES[s % 4],
      threePhase ? 3 : 1, `${s + 1} Fleet Street`, '2023-01-01', inverters));
  }
  return {
    clientId: opts.clientId ?? FLEET_CREDENTIALS.clientId,
    clientSecret: opts.clientSecret ?? FLEET_CREDENTIALS.clientSecret,
    email: opts.email ?? FLEET_CREDENTIALS.email,
    password: opts.password ?? FLEET_CREDENTIALS.password,
    sites,
  };
}

function kWh(v: number): number {
  return Math.round(v * 10) / 10;
}
