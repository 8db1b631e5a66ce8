/** The account's sites and their inverters, from `EnergyData/With/Nodes`. */
import type { EnergyNode } from '../api/dto';

export interface SiteSummary {
  siteId: string;
  nmi: string | null;
  inverters: { serial: string }[];
}

export function sitesFromNodes(nodes: EnergyNode[]): SiteSummary[] {
  return nodes
    .filter((node) => typeof node.Id === 'string' && (node.Type ?? 'Site').toLowerCase() === 'site')
    .map((site) => ({
      siteId: site.Id,
      nmi: site.Nmi ?? null,
      inverters: (site.Nodes ?? [])
        .filter((node) => node && typeof node.Type === 'string' && node.Type.toLowerCase() === 'inverter')
        // SerialNumber is not in the Swagger model; the node Id carries the serial too.
        .map((node) => ({ serial: String(node.SerialNumber || node.Id) }))
        .filter((inverter) => inverter.serial !== ''),
    }));
}
