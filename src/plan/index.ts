/**
 * planBattery: the battery's plan over Amber's price forecast, and the command for now
 * (docs/planner.md). Pure, synchronous and deterministic: no I/O and no clock of its own.
 */
import { readAmberChannels } from './amber';
import { planSlots } from './dp';
import { endValueCentsPerKWh } from './end-value';
import { PlanInputError, shown } from './errors';
import { formatIso, parseIso } from './iso';
import { buildSlots, readForecast } from './slots';
import type { PlanInput, PlanInterval, PlanResult } from './types';
import { checkInput } from './validate';

export { PlanInputError } from './errors';
export { DEFAULT_LOAD_W, DEFAULT_ROUND_TRIP_EFFICIENCY } from './defaults';
export type {
  AmberPriceInterval, PlanBatteryInput, PlanCommandName, PlanForecastSlot, PlanInput, PlanInterval, PlanNow, PlanOptions, PlanPrevious, PlanResult, PlanSiteInput,
} from './types';

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0;
};

export function planBattery(input: PlanInput): PlanResult {
  const checked = checkInput(input);
  const nowMs = parseIso(input.now);
  if (nowMs === null) throw new PlanInputError('now', `must be an ISO time with a zone, got ${shown(input.now)}`);
  const channels = readAmberChannels(input.prices);
  const forecast = readForecast(input.forecast);
  const slots = buildSlots(nowMs, channels, forecast, checked.horizonHours);
  const { model } = checked;
  const endValue = endValueCentsPerKWh(slots, model.etaOut, model.wearCentsPerKWh);
  const plan = planSlots(slots, model, checked.socKWh, {
    endValueCentsPerKWh: endValue,
    switchCostCents: checked.switchCostCents,
    previous: checked.previous,
    forecastSpread: checked.forecastSpread,
  });

  const intervals: PlanInterval[] = plan.map(({ slot, command, outcome }) => ({
    start: formatIso(slot.startMs),
    end: formatIso(slot.endMs),
    command: command.command,
    powerW: command.powerW,
    curtail: command.curtail,
    socPctEnd: round(outcome.socKWhEnd / model.capacityKWh * 100, 2),
    gridImportKWh: round(outcome.importW * slot.hours / 1000, 4),
    gridExportKWh: round(outcome.exportW * slot.hours / 1000, 4),
    costCents: round(outcome.costCents, 3),
  }));
  const endKWh = plan[plan.length - 1].outcome.socKWhEnd;
  const costCents = plan.reduce((sum, p) => sum + p.outcome.costCents, 0);
  const first = plan[0];
  return {
    now: {
      command: first.command.command,
      powerW: first.command.powerW,
      curtail: first.command.curtail,
      until: formatIso(first.slot.endMs),
    },
    intervals,
    expectedCostCents: round(costCents - endValue * (endKWh - checked.socKWh), 2),
  };
}
