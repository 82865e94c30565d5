import { Body, Controller, Get, Inject, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { Staff } from '../auth/access.decorators.js';
import { jsonObject, str } from '../panel/form-input.js';
import { formErrorModel, submitForm } from '../panel/form-page.js';
import { BooksService } from './books.service.js';

const INPUTS: Record<string, string> = {
  exercice: 'exercice',
  confirmation: 'confirmation',
  mois: 'mois',
};

/** /tresorerie/cloture: closing a fiscal year (with its confirmation) and declaring VAT months. */
@Staff()
@Controller()
export class BooksController {
  constructor(@Inject(BooksService) private readonly books: BooksService) {}

  private async model(fiscalYear?: string, error?: DomainError, done?: string) {
    const preview = await this.books.preview(fiscalYear);
    return {
      title: `Clôture de l’exercice ${preview.fiscalYear}`,
      ...preview,
      done: done === 'cloture' || done === 'tva' ? done : null,
      ...formErrorModel(error, (f) => INPUTS[f] ?? ''),
    };
  }

  @Get('/tresorerie/cloture')
  @Render('books-closing')
  page(@Query('exercice') fiscalYear?: string, @Query('fait') done?: string) {
    return this.model(fiscalYear, undefined, done);
  }

  @Post('/tresorerie/cloture')
  async close(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const fiscalYear = str(body?.exercice);
    await submitForm(
      res,
      'books-closing',
      async () => {
        if (str(body?.confirmation) !== 'oui')
          throw new DomainError(
            'invalid_input',
            'Cochez la case de confirmation : la clôture est définitive.',
            'confirmation',
          );
        const closed = await this.books.close(fiscalYear, 'treasurer');
        return `/tresorerie/cloture?exercice=${closed.fiscalYear}&fait=cloture`;
      },
      (error) => this.model(fiscalYear, error),
    );
  }

  @Post('/tresorerie/cloture/tva')
  async declare(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const fiscalYear = str(body?.exercice);
    await submitForm(
      res,
      'books-closing',
      async () => {
        await this.books.declareVatMonth(str(body?.mois), str(body?.reference), 'treasurer');
        return `/tresorerie/cloture?exercice=${encodeURIComponent(fiscalYear)}&fait=tva`;
      },
      (error) => this.model(fiscalYear, error),
    );
  }

  @Get('/api/tresorerie/cloture')
  preview(@Query('exercice') fiscalYear?: string) {
    return this.books.preview(fiscalYear);
  }

  @Post('/api/tresorerie/cloture')
  closeApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.books.close(
      typeof b.fiscalYear === 'number' ? b.fiscalYear : str(b.fiscalYear),
      'treasurer',
    );
  }

  @Post('/api/tresorerie/tva/declarations')
  declareApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.books.declareVatMonth(str(b.month), str(b.reference), 'treasurer');
  }
}
