/** The cloud answers the tests share, kept as JSON in test/fixtures/ (see docs/redback-cloud.md §4). */
import type { DynamicData, InverterConfiguration, StaticView } from '../../src/api/dto';
import configurationSt10000 from '../fixtures/configuration-st10000.json';
import dynamicSi5000 from '../fixtures/dynamic-si5000.json';
import dynamicSt10000 from '../fixtures/dynamic-st10000.json';
import staticSt10000 from '../fixtures/static-st10000.json';

export const FIXTURE_SITE = 'S1234123412341';
export const FIXTURE_SERIAL = 'RB12341234123412';

/** docs/redback-cloud.md §4.3: the static fixture ([JJ] `public_StaticData`), verbatim (fields the DTO type leaves out included). A fresh copy each call. */
export function fixtureStatic(): StaticView {
  return structuredClone(staticSt10000) as unknown as StaticView;
}

/** docs/redback-cloud.md §4.4: the v2.21 dynamic fixture ([JJ] `public_DynamicData`), `Metadata` left out. A fresh copy each call. */
export function fixtureDynamic(): DynamicData {
  return structuredClone(dynamicSt10000) as unknown as DynamicData;
}

/** docs/redback-cloud.md §4.5 shape; MinSoC0to1 0.1 -> minSocPct 10. A fresh copy each call. */
export function fixtureConfiguration(): InverterConfiguration {
  return structuredClone(configurationSt10000) as unknown as InverterConfiguration;
}

/** An SI5000-like grid-tie inverter's dynamic data: single phase, one PV string, no battery (docs/redback-cloud.md §4.6). */
export function fixtureBatteryLessDynamic(): DynamicData {
  return structuredClone(dynamicSi5000) as unknown as DynamicData;
}
