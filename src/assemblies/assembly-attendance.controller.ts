import { Body, Controller, Get, Inject, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { str } from '../panel/form-input.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyForms } from './assembly-forms.service.js';
import { AssemblyViews } from './assembly-views.js';

/** Attendance at an assembly: presences, withdrawals and proxies, from the admin pages. */
@AdminOnly()
@Controller()
export class AssemblyAttendanceController {
  constructor(
    @Inject(AssemblyForms) private readonly forms: AssemblyForms,
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
  ) {}

  @Post('/admin/ag/:id/presences')
  markPresent(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const membre = str(body?.membre);
    return this.forms.submitFromPage(res, id, body, { action: 'present', tiersId: membre }, () => ({
      fait: 'present',
      membre,
    }));
  }

  @Post('/admin/ag/:id/retraits')
  withdraw(@Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const membre = str(body?.membre);
    return this.forms.submitFromPage(
      res,
      id,
      body,
      { action: 'withdraw', tiersId: membre },
      () => ({
        fait: 'retrait',
        membre,
      }),
    );
  }

  @Get('/admin/ag/:id/procuration')
  @Render('assembly-proxy')
  proxyForm(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.views.proxy(id, {
      membre: str(query.membre),
      mandataire: '',
      q: str(query.q),
      cle: '',
    });
  }

  @Post('/admin/ag/:id/procurations')
  async recordProxy(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const form = {
      membre: str(body?.membre),
      mandataire: str(body?.mandataire),
      q: str(body?.q),
      cle: str(body?.cle),
    };
    await this.forms.submitMemberForm(
      res,
      'assembly-proxy',
      id,
      form,
      { action: 'proxy', tiersId: form.membre, holderId: form.mandataire },
      'procuration',
      (error) => this.views.proxy(id, form, error),
    );
  }
}
