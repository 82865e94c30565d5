import type { ScheduleVatRate } from '../../domain/catalogue/vat-schedule.js';

export class ScheduleVatRateCommand {
  constructor(
    readonly input: ScheduleVatRate,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface ScheduleVatRateResult {
  entryId: string;
  category: string;
  rate: string;
  effectiveFrom: string;
}
