import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** General assemblies read models: the assembly with its live counts, its members, its resolutions. */
export const assemblyTables: TableSpec[] = [
  {
    name: 'g2_rm_assemblies',
    columns: {
      assembly_id: { kind: 'string(64)' },
      kind: { kind: 'string(16)' },
      title: { kind: 'string(200)' },
      held_on: { kind: 'day' },
      call_no: { kind: 'int' },
      postal_deadline: { kind: 'day' },
      proxy_cap: { kind: 'int' },
      // Null: no quorum (ordinary assembly on second call).
      quorum_num: { kind: 'int', nullable: true },
      quorum_den: { kind: 'int', nullable: true },
      majority_num: { kind: 'int' },
      majority_den: { kind: 'int' },
      majority_strict: { kind: 'int' },
      list_on: { kind: 'day' },
      convened_on: { kind: 'day' },
      members: { kind: 'int' },
      present: { kind: 'int' },
      represented: { kind: 'int' },
      blank_proxies: { kind: 'int' },
      postal: { kind: 'int' },
      closed_on: { kind: 'day', nullable: true },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['assembly_id'],
    indexes: { held_on: ['held_on'] },
  },
  {
    // One row per member with voting rights, frozen at convening; attendance kept up to date.
    name: 'g2_rm_assembly_members',
    columns: {
      assembly_id: { kind: 'string(64)' },
      tiers_id: { kind: 'string(20)' },
      // The list's order (by name, as the share register gave it).
      row_no: { kind: 'int' },
      name: { kind: 'string(255)' },
      // Lower case without accents, for the search box.
      search_key: { kind: 'string(255)' },
      address: { kind: 'text' },
      shares: { kind: 'int' },
      numbers: { kind: 'text' },
      // Null (absent), 'present', 'represented' or 'postal'.
      attendance: { kind: 'string(16)', nullable: true },
      // The present member holding the proxy; null with attendance 'represented': a blank proxy.
      holder_id: { kind: 'string(20)', nullable: true },
      proxies_held: { kind: 'int', default: 0 },
      received_on: { kind: 'day', nullable: true },
      // JSON [{resolutionId, choice}] of a postal vote.
      postal_choices: { kind: 'text', nullable: true },
      recorded_on: { kind: 'day', nullable: true },
    },
    primaryKey: ['assembly_id', 'tiers_id'],
    indexes: { list: ['assembly_id', 'row_no'], attendance: ['assembly_id', 'attendance'] },
  },
  {
    name: 'g2_rm_assembly_resolutions',
    columns: {
      assembly_id: { kind: 'string(64)' },
      resolution_id: { kind: 'string(64)' },
      number: { kind: 'int' },
      resolution_text: { kind: 'text' },
      by_board: { kind: 'int' },
      // The vote, once taken (null before).
      voted_on: { kind: 'day', nullable: true },
      room_for: { kind: 'int', nullable: true },
      room_against: { kind: 'int', nullable: true },
      room_abstain: { kind: 'int', nullable: true },
      blank_for: { kind: 'int', nullable: true },
      blank_against: { kind: 'int', nullable: true },
      blank_abstain: { kind: 'int', nullable: true },
      postal_for: { kind: 'int', nullable: true },
      postal_against: { kind: 'int', nullable: true },
      postal_abstain: { kind: 'int', nullable: true },
      votes_for: { kind: 'int', nullable: true },
      votes_against: { kind: 'int', nullable: true },
      votes_abstain: { kind: 'int', nullable: true },
      voters: { kind: 'int', nullable: true },
      adopted: { kind: 'int', nullable: true },
    },
    primaryKey: ['assembly_id', 'resolution_id'],
    indexes: { number: ['assembly_id', 'number'] },
  },
];

export class Assemblies1764900000500 implements MigrationInterface {
  name = 'Assemblies1764900000500';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of assemblyTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...assemblyTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
