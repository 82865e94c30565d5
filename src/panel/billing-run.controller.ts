import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MAX_WINDOW_DAYS } from '../../domain/billing/anniversary.js';
import { addDays, maxDay } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  AnniversaryBillingService,
  type RunReport,
} from '../billing-run/anniversary-billing.service.js';
import { Clock } from '../clock.js';
import { percent } from './catalogue.controller.js';
import { statusOf } from './errors.filter.js';
import { AdminOnly } from '../auth/access.decorators.js';

interface RunForm {
  du?: string;
  au?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

const STATUS_CLASS: Record<string, string> = {
  issued: 'paid',
  planned: 'issued',
  already_billed: '',
  error: 'error',
};

/** The anniversary billing run: preview (dry run) and launch. */
@AdminOnly()
@Controller()
export class BillingRunController {
  constructor(
    @Inject(AnniversaryBillingService) private readonly billing: AnniversaryBillingService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * With a window: its preview (dry run). Without: the preview of what is due now, i.e. the
   * next 30 days plus the anniversaries already passed (within the 366-day limit).
   */
  @Get('/admin/facturation')
  async page(@Query('du') from: unknown, @Query('au') to: unknown, @Res() res: Response) {
    const form = { du: str(from), au: str(to) };
    await this.attempt(
      form.du === '' && form.au === '' ? await this.defaultForm() : form,
      true,
      res,
    );
  }

  @Post('/admin/facturation')
  async launch(@Body() body: RunForm, @Res() res: Response) {
    await this.attempt({ du: str(body?.du), au: str(body?.au) }, false, res);
  }

  @Get('/api/facturation')
  async data(@Query('du') from?: string, @Query('au') to?: string) {
    const upcoming = await this.billing.upcoming();
    if (!from && !to) return { upcoming, preview: null };
    return { upcoming, preview: await this.billing.run({ from, to, dryRun: true }) };
  }

  @Post('/api/facturation')
  @HttpCode(200)
  runApi(@Body() body: unknown): Promise<RunReport> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DomainError('invalid_input', 'Corps JSON attendu : un objet.');
    }
    const { from, to, dryRun } = body as Record<string, unknown>;
    return this.billing.run({ from, to, dryRun: dryRun === true, actor: 'api' });
  }

  private async defaultForm(): Promise<Required<RunForm>> {
    const today = this.clock.today();
    const to = addDays(today, 30);
    const [oldest] = await this.billing.upcoming(1);
    const earliest = addDays(to, -(MAX_WINDOW_DAYS - 1));
    const from =
      oldest && oldest.anniversary < today ? maxDay(oldest.anniversary, earliest) : today;
    return { du: from, au: to };
  }

  private async attempt(form: Required<RunForm>, dryRun: boolean, res: Response) {
    try {
      const report = await this.billing.run({
        from: form.du,
        to: form.au,
        dryRun,
        actor: 'admin',
      });
      res.status(200).render('billing-run', await this.model(form, report));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('billing-run', await this.model(form, null, error));
    }
  }

  private async model(form: Required<RunForm>, report: RunReport | null, error?: DomainError) {
    const today = this.clock.today();
    const upcoming = (await this.billing.upcoming()).map((u) => ({
      ...u,
      overdue: u.anniversary < today,
    }));
    return {
      title: 'Facturation anniversaire',
      form,
      today,
      upcoming,
      report: report && {
        ...report,
        accounts: report.accounts.map((a) => ({
          ...a,
          statusClass: STATUS_CLASS[a.status] ?? '',
          lines: a.lines.map((l) => ({
            ...l,
            vatRateLabel: percent(l.vatRate),
            quantityLabel: l.quantity.replace('.', ','),
          })),
        })),
      },
      error: error ? { message: error.message, field: error.field } : null,
      errorOn: error?.field ? { [error.field === 'from' ? 'du' : 'au']: true } : {},
    };
  }
}
