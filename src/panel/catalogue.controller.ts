import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Render, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { ScheduleVatRate } from '../../domain/catalogue/vat-schedule.js';
import { DomainError } from '../../domain/shared/errors.js';
import { CatalogueQueries, type CataloguePage } from '../catalogue/catalogue-queries.js';
import {
  ScheduleVatRateCommand,
  type ScheduleVatRateResult,
} from '../catalogue/schedule-vat-rate.command.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { statusOf } from '../kernel/errors.js';
import { AdminOnly } from '../auth/access.decorators.js';

interface VatForm {
  taux?: string;
  date_effet?: string;
  motif?: string;
  cle?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** "19.6" → "19,6 %". */
export const percent = (rate: string | null) =>
  rate === null ? '' : `${rate.replace('.', ',')} %`;

const FIELD_OF: Record<string, keyof VatForm> = {
  rate: 'taux',
  effectiveFrom: 'date_effet',
  reason: 'motif',
};

/** The catalogue (Gloux's produits) with today's VAT rate, and the dated VAT schedule. */
@AdminOnly()
@Controller()
export class CatalogueController {
  constructor(
    @Inject(CatalogueQueries) private readonly queries: CatalogueQueries,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get('/admin/catalogue')
  @Render('catalogue')
  async page(@Query('programme') scheduled?: string) {
    const notice =
      typeof scheduled === 'string' && scheduled !== ''
        ? `Taux de TVA programmé : ${scheduled}.`
        : null;
    return this.model({}, undefined, notice);
  }

  @Get('/api/catalogue')
  data(): Promise<CataloguePage> {
    return this.queries.page();
  }

  @Post('/admin/catalogue/tva')
  async schedule(@Body() body: VatForm, @Res() res: Response) {
    const form: VatForm = {
      taux: str(body?.taux),
      date_effet: str(body?.date_effet),
      motif: str(body?.motif),
      cle: str(body?.cle),
    };
    try {
      const r = await this.commands.execute<ScheduleVatRateCommand, ScheduleVatRateResult>(
        new ScheduleVatRateCommand(
          {
            category: 'standard',
            rate: form.taux ?? '',
            effectiveFrom: form.date_effet ?? '',
            reason: form.motif,
          },
          'admin',
          parseIdempotencyKey(form.cle),
        ),
      );
      const said = `${percent(r.rate)} à partir du ${r.effectiveFrom.split('-').reverse().join('/')}`;
      res.redirect(303, `/admin/catalogue?programme=${encodeURIComponent(said)}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('catalogue', await this.model(form, error));
    }
  }

  @Post('/api/catalogue/tva')
  @HttpCode(201)
  scheduleApi(@Body() body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DomainError('invalid_input', 'Corps JSON attendu : un objet.');
    }
    const { idempotencyKey, ...input } = body as Record<string, unknown>;
    return this.commands.execute<ScheduleVatRateCommand, ScheduleVatRateResult>(
      new ScheduleVatRateCommand(
        input as unknown as ScheduleVatRate,
        'api',
        parseIdempotencyKey(idempotencyKey),
      ),
    );
  }

  private async model(form: VatForm, error?: DomainError, notice: string | null = null) {
    const page = await this.queries.page();
    return {
      title: 'Catalogue et TVA',
      notice,
      ...page,
      products: page.products.map((p) => ({
        ...p,
        vatRateLabel: percent(p.vatRate),
        glouxVatRateLabel: percent(p.glouxVatRate),
      })),
      vatSchedule: page.vatSchedule.map((e) => ({ ...e, rateLabel: percent(e.rate) })),
      form: { ...form, cle: form.cle || randomUUID() },
      error: error ? { message: error.message, field: error.field } : null,
      errorOn: error?.field ? { [FIELD_OF[error.field] ?? error.field]: true } : {},
    };
  }
}
