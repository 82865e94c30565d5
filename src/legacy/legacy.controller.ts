import { Controller, Get, Header, Inject, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LegacyPages } from './legacy-pages.service.js';
import { AdminOnly } from '../auth/access.decorators.js';

const AREA: Record<string, string> = {
  facture: 'Facture',
  paiement: 'Paiement',
  solde: 'Solde client',
  part: 'Part sociale',
  tiers: 'Sociétaire',
  compte: 'Compte d’hébergement',
  numero: 'Numéro de facture',
  client: 'Client',
  hebergement: 'Hébergement',
};

/** Admin: Gloux ↔ gloux2 drift report (/admin/derive) and import report; repair. */
@AdminOnly()
@Controller()
export class LegacyController {
  constructor(@Inject(LegacyPages) private readonly pages: LegacyPages) {}

  @Get('/admin/derive')
  @Render('legacy-drift')
  async page(@Query('repare') repaired?: string) {
    const p = await this.pages.drift();
    return {
      title: 'Écarts Gloux / gloux2',
      repaired: /^\d+$/.test(repaired ?? '') ? repaired : null,
      ...p,
      rows: p.drift.map((d) => ({
        ...d,
        areaLabel: AREA[d.area] ?? d.area,
        ours: d.owner === 'gloux2',
      })),
      blocking: p.report.issues.filter((i) => i.blocking),
      partial: p.report.issues.filter((i) => !i.blocking),
    };
  }

  @Get('/api/admin/derive')
  @Header('Cache-Control', 'no-store')
  async json() {
    return this.pages.drift();
  }

  @Post('/admin/derive/reparer')
  async repair(@Res() res: Response) {
    const { repaired } = await this.pages.repair();
    res.redirect(303, `/admin/derive?repare=${repaired}`);
  }
}
