import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Render,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import type { ConveneAssembly } from '../../domain/assemblies/assembly.js';
import { jsonObject, str } from '../panel/form-input.js';
import { submitForm } from '../panel/form-page.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyForms } from './assembly-forms.service.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { assemblyLinks, backOf } from './assembly-urls.js';
import {
  AssemblyViews,
  CONVENE_FIELDS,
  agendaRowsOf,
  filterOf,
  type ConveneForm,
} from './assembly-views.js';

/** General assemblies: the list, convening one, and an assembly's page (French and JSON). */
@AdminOnly()
@Controller()
export class AssembliesController {
  constructor(
    @Inject(AssemblyForms) private readonly forms: AssemblyForms,
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
    @Inject(AssemblyPages) private readonly pages: AssemblyPages,
  ) {}

  @Get('/admin/ag')
  @Render('assemblies')
  list() {
    return this.views.list();
  }

  @Post('/admin/ag')
  async convene(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = {
      ...Object.fromEntries(CONVENE_FIELDS.map((k) => [k, str(body?.[k])])),
      points: agendaRowsOf(body),
    } as ConveneForm;
    await submitForm(
      res,
      'assemblies',
      async () => {
        const result = await this.forms.convene(
          {
            kind: form.type,
            heldOn: form.date,
            startsAt: form.heure,
            place: form.lieu,
            agenda: form.points.map((p) => ({ title: p.titre, text: p.texte })),
            call: form.convocation,
            postalDeadline: form.date_limite,
            listOn: form.date_liste,
            title: form.titre,
          },
          'admin',
          form.cle,
        );
        return `/admin/ag/${result.assemblyId}?fait=convocation`;
      },
      (error) => this.views.list(form, error),
    );
  }

  @Get('/api/ag')
  async listApi() {
    return { assemblies: await this.pages.list() };
  }

  @Post('/api/ag')
  @HttpCode(201)
  conveneApi(@Body() body: unknown) {
    const { idempotencyKey, ...input } = jsonObject(body);
    return this.forms.convene(input as unknown as ConveneAssembly, 'api', idempotencyKey);
  }

  @Get('/admin/ag/:id')
  @Render('assembly')
  page(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.views.page(id, {
      ...backOf(query),
      fait: str(query.fait),
      membre: str(query.membre),
      resolution: str(query.resolution),
    });
  }

  @Get('/api/ag/:id')
  async pageApi(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    const back = backOf(query);
    const detail = await this.pages.detail(id, {
      search: back.q,
      attendance: filterOf(back.filtre),
    });
    return { ...detail, links: assemblyLinks(id) };
  }
}
