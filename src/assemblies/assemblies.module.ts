import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AssembliesController } from './assemblies.controller.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { ConveneAssemblyHandler, RecordAtAssemblyHandler } from './assembly.handlers.js';

/** General assemblies: convening, attendance, votes, the attendance sheet and the minutes. */
@Module({
  imports: [CqrsModule],
  controllers: [AssembliesController],
  providers: [ConveneAssemblyHandler, RecordAtAssemblyHandler, AssemblyPages],
})
export class AssembliesModule {}
