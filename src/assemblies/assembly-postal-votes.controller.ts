import { Body, Controller, Get, Inject, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { str } from '../panel/form-input.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyForms } from './assembly-forms.service.js';
import { AssemblyViews } from './assembly-views.js';

/** Postal votes: a member's form, and recording it from the admin pages. */
@AdminOnly()
@Controller()
export class AssemblyPostalVotesController {
  constructor(
    @Inject(AssemblyForms) private readonly forms: AssemblyForms,
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
  ) {}

  @Get('/admin/ag/:id/correspondance')
  @Render('assembly-postal')
  postalForm(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.views.postal(id, this.views.blankPostal(str(query.membre), str(query.q)));
  }

  @Post('/admin/ag/:id/correspondances')
  async recordPostal(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const votes: Record<string, string> = {};
    for (const [k, v] of Object.entries(body ?? {})) {
      if (k.startsWith('vote_')) votes[k.slice(5)] = str(v);
    }
    const form = {
      membre: str(body?.membre),
      date_reception: str(body?.date_reception),
      votes,
      q: str(body?.q),
      cle: str(body?.cle),
    };
    await this.forms.submitMemberForm(
      res,
      'assembly-postal',
      id,
      form,
      { action: 'postal', tiersId: form.membre, receivedOn: form.date_reception, choices: votes },
      'correspondance',
      (error) => this.views.postal(id, form, error),
    );
  }
}
