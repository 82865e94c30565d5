import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { str } from '../panel/form-input.js';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyForms } from './assembly-forms.service.js';

/** The session from the admin pages: resolutions, their votes, and closing the assembly. */
@AdminOnly()
@Controller()
export class AssemblyResolutionsController {
  constructor(@Inject(AssemblyForms) private readonly forms: AssemblyForms) {}

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

  @Post('/admin/ag/:id/cloture')
  close(@Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.forms.submitFromPage(res, id, body, { action: 'close' }, () => ({
      fait: 'cloture',
    }));
  }
}
