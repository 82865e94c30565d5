import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/shared/errors.js';
import {
  assemblyResolutions,
  attendanceSheet,
  findAssembly,
  findMember,
  listAssemblies,
  minutes,
  searchMembers,
  type AssemblyMember,
  type AssemblySummary,
  type AttendanceSheet,
  type MemberSearch,
  type Minutes,
  type ResolutionView,
} from '../../projections/assemblies/assemblies.queries.js';
import { Db } from '../kernel/database/db.js';

const notFound = () => new DomainError('not_found', 'Assemblée introuvable.');

/** What the assembly pages and their JSON read, from the read models. */
@Injectable()
export class AssemblyPages {
  constructor(@Inject(Db) private readonly db: Db) {}

  list(): Promise<AssemblySummary[]> {
    return this.db.run((q) => listAssemblies(q));
  }

  /** The assembly, its resolutions and the members matching the search. */
  async detail(
    assemblyId: string,
    search: MemberSearch = {},
  ): Promise<{
    assembly: AssemblySummary;
    resolutions: ResolutionView[];
    members: AssemblyMember[];
    total: number;
  }> {
    return this.db.run(async (q) => {
      const assembly = await findAssembly(q, assemblyId);
      if (!assembly) throw notFound();
      const { members, total } = await searchMembers(q, assemblyId, search);
      return { assembly, resolutions: await assemblyResolutions(q, assemblyId), members, total };
    });
  }

  findMember(assemblyId: string, tiersId: string): Promise<AssemblyMember | null> {
    return this.db.run((q) => findMember(q, assemblyId, tiersId));
  }

  /** One member of the assembly's list, and the present members who could hold their proxy. */
  async member(
    assemblyId: string,
    tiersId: string,
  ): Promise<{
    assembly: AssemblySummary;
    member: AssemblyMember;
    present: AssemblyMember[];
    resolutions: ResolutionView[];
  }> {
    return this.db.run(async (q) => {
      const assembly = await findAssembly(q, assemblyId);
      if (!assembly) throw notFound();
      const member = await findMember(q, assemblyId, tiersId);
      if (!member) {
        throw new DomainError(
          'not_found',
          'Ce sociétaire n’est pas sur la liste de cette assemblée.',
          'tiersId',
        );
      }
      const { members: present } = await searchMembers(q, assemblyId, { attendance: 'present' });
      return { assembly, member, present, resolutions: await assemblyResolutions(q, assemblyId) };
    });
  }

  async attendanceSheet(assemblyId: string): Promise<AttendanceSheet> {
    const sheet = await this.db.run((q) => attendanceSheet(q, assemblyId));
    if (!sheet) throw notFound();
    return sheet;
  }

  async minutes(assemblyId: string): Promise<Minutes> {
    const m = await this.db.run((q) => minutes(q, assemblyId));
    if (!m) throw notFound();
    return m;
  }
}
