import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AssembliesController } from './assemblies.controller.js';
import { AssemblyAttendanceController } from './assembly-attendance.controller.js';
import { AssemblyDocumentsController } from './assembly-documents.controller.js';
import { AssemblyForms } from './assembly-forms.service.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { AssemblyPostalVotesController } from './assembly-postal-votes.controller.js';
import { AssemblyRecordingsApiController } from './assembly-recordings-api.controller.js';
import { AssemblyResolutionsController } from './assembly-resolutions.controller.js';
import { AssemblyViews } from './assembly-views.js';
import { ConveneAssemblyHandler, RecordAtAssemblyHandler } from './assembly.handlers.js';

/** General assemblies: convening, attendance, votes, the attendance sheet and the minutes. */
@Module({
  imports: [CqrsModule],
  controllers: [
    AssembliesController,
    AssemblyAttendanceController,
    AssemblyPostalVotesController,
    AssemblyResolutionsController,
    AssemblyRecordingsApiController,
    AssemblyDocumentsController,
  ],
  providers: [
    ConveneAssemblyHandler,
    RecordAtAssemblyHandler,
    AssemblyPages,
    AssemblyViews,
    AssemblyForms,
  ],
})
export class AssembliesModule {}
