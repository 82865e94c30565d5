import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { loadSeller, SELLER_IDENTITY } from '../kernel/config.js';
import { ASSEMBLY_RULES, loadAssemblyRules } from './assemblies.config.js';
import { AssembliesController } from './assemblies.controller.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { ConveneAssemblyHandler, RecordAtAssemblyHandler } from './assembly.handlers.js';

/** General assemblies: convening, attendance, votes, the attendance sheet and the minutes. */
@Module({
  imports: [CqrsModule],
  controllers: [AssembliesController],
  providers: [
    { provide: ASSEMBLY_RULES, useFactory: () => loadAssemblyRules() },
    { provide: SELLER_IDENTITY, useFactory: () => loadSeller() },
    ConveneAssemblyHandler,
    RecordAtAssemblyHandler,
    AssemblyPages,
  ],
})
export class AssembliesModule {}
