import { Controller, Get, Inject, Query, Render } from '@nestjs/common';
import { RESOURCE_LABELS } from '../../domain/overage/describe.js';
import type { OverageResource } from '../../domain/overage/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { OverageQueries } from './overage-page.queries.js';

function resourceOf(value: unknown): OverageResource {
  if (value === undefined || value === '') return 'disk';
  if (value === 'disk' || value === 'traffic' || value === 'mail') return value;
  throw new DomainError(
    'invalid_input',
    'Ressource inconnue (disk, traffic ou mail).',
    'ressource',
  );
}

/** The hostings over their quota now, one resource at a time (the admin home links here). */
@AdminOnly()
@Controller()
export class OverageAdminController {
  constructor(@Inject(OverageQueries) private readonly queries: OverageQueries) {}

  @Get('/api/depassements')
  async data(@Query('ressource') resource?: string) {
    const r = resourceOf(resource);
    return { resource: r, overages: await this.queries.ofResource(r) };
  }

  @Get('/admin/depassements')
  @Render('overages-admin')
  async page(@Query('ressource') resource?: string) {
    const r = resourceOf(resource);
    return {
      title: `Dépassements — ${RESOURCE_LABELS[r]}`,
      resource: r,
      resourceLabel: RESOURCE_LABELS[r],
      resources: Object.entries(RESOURCE_LABELS).map(([key, label]) => ({
        key,
        label,
        current: key === r,
      })),
      overages: await this.queries.ofResource(r),
    };
  }
}
