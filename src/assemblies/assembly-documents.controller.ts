import { Controller, Get, Inject, Param, Render, StreamableFile } from '@nestjs/common';
import { AdminOnly } from '../auth/access.decorators.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { assemblyLinks } from './assembly-urls.js';
import { AssemblyViews } from './assembly-views.js';

/** An assembly's printable documents: the attendance sheet and the minutes (page, PDF, JSON). */
@AdminOnly()
@Controller()
export class AssemblyDocumentsController {
  constructor(
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
    @Inject(AssemblyPages) private readonly pages: AssemblyPages,
  ) {}

  @Get('/admin/ag/:id/feuille-de-presence.pdf')
  async attendanceSheetPdf(@Param('id') id: string): Promise<StreamableFile> {
    const { pdf, filename } = await this.views.attendanceSheetPdf(id);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `inline; filename="${filename}"`,
    });
  }

  @Get('/admin/ag/:id/feuille-de-presence')
  @Render('attendance-sheet')
  attendanceSheet(@Param('id') id: string) {
    return this.views.attendanceSheet(id);
  }

  @Get('/api/ag/:id/feuille-de-presence')
  async attendanceSheetApi(@Param('id') id: string) {
    return { ...(await this.pages.attendanceSheet(id)), links: assemblyLinks(id) };
  }

  @Get('/admin/ag/:id/proces-verbal')
  @Render('assembly-minutes')
  minutes(@Param('id') id: string) {
    return this.views.minutes(id);
  }

  @Get('/api/ag/:id/proces-verbal')
  async minutesApi(@Param('id') id: string) {
    return { ...(await this.pages.minutes(id)), links: assemblyLinks(id) };
  }
}
