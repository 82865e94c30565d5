import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SignedIn } from '../auth/access.decorators.js';
import { forbidden } from '../auth/auth-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/request-auth.js';
import { DomainError } from '../../domain/shared/errors.js';
import { guideChapterFor, guideImagesDir, guideIndexFor, IMAGE_NAME } from './guide.js';

/** The French user guide (docs/guide) in the panel: each person sees their role's chapters. */
@Controller()
export class GuideController {
  @SignedIn()
  @Get('/aide')
  index(@CurrentUser() user: AuthUser, @Res() res: Response) {
    res.render('guide-index', { title: 'Aide', groups: guideIndexFor(user) });
  }

  @SignedIn()
  @Get('/aide/images/:file')
  image(@Param('file') file: string, @Res() res: Response) {
    if (!IMAGE_NAME.test(file)) throw new DomainError('not_found', 'Image introuvable.');
    res.sendFile(file, { root: guideImagesDir }, (error) => {
      if (error && !res.headersSent) res.status(404).end();
    });
  }

  @SignedIn()
  @Get('/aide/:chapter')
  chapter(@Param('chapter') name: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const chapter = guideChapterFor(user, name);
    if (!chapter) throw forbidden();
    res.render('guide-chapter', { title: `Aide — ${chapter.title}`, chapter });
  }
}
