import { Controller, Get, Inject, Param, Query, Render, StreamableFile } from '@nestjs/common';
import { Staff } from '../auth/access.decorators.js';
import { FecService } from './fec.service.js';

/** /tresorerie/fec: gloux2's entries of a fiscal year in the FEC layout (page, import file, JSON). */
@Staff()
@Controller()
export class FecController {
  constructor(@Inject(FecService) private readonly fec: FecService) {}

  @Get('/tresorerie/fec')
  @Render('fec')
  async page(@Query('exercice') fiscalYear?: string) {
    const { summary } = await this.fec.export(fiscalYear);
    return { title: `Écritures comptables — exercice ${summary.fiscalYear}`, ...summary };
  }

  @Get('/api/tresorerie/fec')
  async data(@Query('exercice') fiscalYear?: string) {
    return (await this.fec.export(fiscalYear)).summary;
  }

  @Get('/tresorerie/fec/:exercice/fichier')
  async file(@Param('exercice') fiscalYear: string): Promise<StreamableFile> {
    const { summary, content } = await this.fec.export(fiscalYear);
    return new StreamableFile(content, {
      type: 'text/plain; charset=iso-8859-15',
      disposition: `attachment; filename="${summary.fileName}"`,
    });
  }
}
