/** The reference's fixtures (redback-cloud-api.md), shared by the tests that need them. */
import type { StaticView } from '../../src/api/dto';

export const FIXTURE_SITE = 'S1234123412341';
export const FIXTURE_SERIAL = 'RB12341234123412';
const SITE = FIXTURE_SITE;
const SERIAL = FIXTURE_SERIAL;

/** reference §5.2: the static fixture ([JJ] `public_StaticData`), verbatim (fields the DTO type leaves out included). */
export function fixtureStatic(): StaticView {
  const json = {
    StaticData: {
      TimestampUtc: '2022-12-12T06:04:02.0155057Z',
      Location: { Latitude: -27.123, Longitude: 153.123, AddressLineOne: '123 Sesame St', AddressLineTwo: null,
        Suburb: 'Brisbane', State: 'Qld', Country: 'Australia ', PostCode: '4000' },
      TechnologyProvider: 'ABC',
      RemoteAccessConnection: { Type: 'ETHERNET', CustomerChoice: true },
      ApprovedCapacityW: null,
      SolarRetailer: { Name: 'Retailer Name', ABN: '81231231231' },
      SiteDetails: {
        GenerationHardLimitVA: null, GenerationSoftLimitVA: null,
        ExportHardLimitkW: null, ExportHardLimitW: null, ExportSoftLimitkW: null, ExportSoftLimitW: null,
        SiteExportLimitkW: null,
        BatteryMaxChargePowerkW: 10, BatteryMaxDischargePowerkW: 10,
        BatteryCapacitykWh: 14.22, UsableBatteryCapacitykWh: 12.798,
        PanelModel: ' ', PanelSizekW: 9.96, SystemType: 'Hybrid',
        InverterMaxExportPowerkW: 10, InverterMaxImportPowerkW: 10,
      },
      CommissioningDate: '2022-08-18', NMI: null,
      LatestDynamicDataUtc: '2022-12-12T06:03:05Z', Status: 'OK',
      Id: SITE, Type: 'Site',
      DynamicDataMetadata: {
        PvPowerInstantaneouskWMetadata: { Measured: false },
        BatteryPowerNegativeIsChargingkWMetadata: { Measured: false },
      },
    },
    Nodes: [
      { StaticData: { ModelName: 'ST10000', BatteryCount: 4, SoftwareVersion: '2.16.32211.1',
        FirmwareVersion: '080819', BatteryModels: ['RB600', 'Unknown', 'Unknown', 'Unknown'],
        Id: SERIAL, Type: 'Inverter', DynamicDataMetadata: null },
      Nodes: null },
      { StaticData: { Id: 'HouseLoad', Type: 'Houseload', DynamicDataMetadata: null }, Nodes: null },
    ],
  };
  return json as unknown as StaticView;
}
