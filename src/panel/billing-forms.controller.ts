import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BillingFormQueries } from '../billing/billing-forms.queries.js';
import { Clock } from '../kernel/clock.js';

/** What the billing forms' controllers (payments, credit notes) share: the bus, their queries, today. */
export abstract class BillingFormsController {
  constructor(
    @Inject(CommandBus) protected readonly commands: CommandBus,
    @Inject(BillingFormQueries) protected readonly queries: BillingFormQueries,
    @Inject(Clock) protected readonly clock: Clock,
  ) {}
}
