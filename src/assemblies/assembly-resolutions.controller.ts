import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { str } from '../panel/form-input.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyForms } from './assembly-forms.service.js';
import { AssemblyViews } from './assembly-views.js';
import { closeConfirmation } from './assembly-close-confirmation.js';
import { isConfirmed, renderConfirmation } from '../panel/confirmation.js';

/** The session from the admin pages: resolutions, their votes, and closing the assembly. */
@AdminOnly()
@Controller()
export class AssemblyResolutionsController {
  constructor(
    @Inject(AssemblyForms) private readonly forms: AssemblyForms,
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
  ) {}

  @Post('/admin/ag/:id/resolutions')
  addResolution(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.forms.submitFromPage(
      res,
      id,
      body,
      // An unticked checkbox is absent from the form: not the board's.
      { action: 'resolution', text: str(body?.texte), byBoard: str(body?.conseil) === 'oui' },
      (r) => ({ fait: 'resolution', resolution: r.resolutionId ?? '' }),
      'resolutions',
    );
  }

  @Post('/admin/ag/:id/resolutions/:resolutionId/vote')
  vote(
    @Param('id') id: string,
    @Param('resolutionId') resolutionId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.forms.submitFromPage(
      res,
      id,
      body,
      {
        action: 'vote',
        resolutionId,
        for: str(body?.pour),
        against: str(body?.contre),
        abstain: str(body?.abstention),
      },
      () => ({ fait: 'vote', resolution: resolutionId }),
      'resolutions',
    );
  }

  /** Asks first, with the attendance and the votes that closing freezes (already closed: the refusal). */
  @Post('/admin/ag/:id/cloture')
  async close(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    if (!isConfirmed(body)) {
      const page = await this.views.page(id, { q: '', filtre: '' });
      if (!page.closed)
        return renderConfirmation(
          res,
          closeConfirmation(page.assembly, page.resolutions, str(body?.cle)),
        );
    }
    return this.forms.submitFromPage(res, id, body, { action: 'close' }, () => ({
      fait: 'cloture',
    }));
  }
}
