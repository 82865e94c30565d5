import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { exportZone } from '../../../domain/hosting/dns-export.js';
import type { DnsRecordInput } from '../../../domain/hosting/dns-records.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { readLegacyZone, readZoneRecords } from '../../../legacy-sync/legacy-zones.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { Db } from '../../kernel/database/db.js';
import {
  AddDnsRecordCommand,
  RemoveDnsRecordCommand,
  type DnsChangeResult,
} from './dns.commands.js';
import { domainInput, editableZone } from './dns.handlers.js';

/** `dns:add`, `dns:remove`, `dns:export` (src/cli.ts parses and dispatches). */
export interface DnsCliOptions {
  domain?: string;
  name?: string;
  type?: string;
  data?: string;
  ttl?: string;
  aux?: string;
}

/** The operator at the command line: staff, any hosting. */
const OPERATOR: AuthUser = {
  userId: 'cli',
  login: 'cli',
  admin: true,
  treasurer: false,
  cooperator: false,
  tiersId: null,
  customerIds: [],
};

/** The option a refusal's field stands for, so the message names what to correct. */
const OPTION_OF: Readonly<Record<string, string>> = {
  domaine: '--domain',
  nom: '--name',
  type: '--type',
  valeur: '--data',
  poids: '--data',
  port: '--data',
  ttl: '--ttl',
  priorite: '--aux',
};

function required(o: DnsCliOptions, keys: readonly (keyof DnsCliOptions)[]): void {
  const missing = keys.filter((k) => o[k] === undefined);
  if (missing.length > 0)
    throw new DomainError(
      'invalid_input',
      `Option manquante : ${missing.map((k) => `--${k}`).join(', ')}.`,
    );
}

/** The record as the form would send it: SRV's `--data` is `weight port target`. */
function recordInput(o: DnsCliOptions): DnsRecordInput {
  const type = o.type!;
  const base = { name: o.name!, type, value: o.data!, ttl: o.ttl, priority: o.aux };
  if (type.trim().toUpperCase() !== 'SRV') return base;
  const parts = o.data!.trim().split(/\s+/);
  if (parts.length !== 3)
    throw new DomainError(
      'invalid_input',
      'Pour un enregistrement SRV, --data vaut « poids port cible » (par exemple « 5 5060 sip.example.org. »).',
      'valeur',
    );
  return { ...base, weight: parts[0], port: parts[1], value: parts[2]! };
}

/** A refusal as the CLI prints it: the option at fault, then the French sentence. */
async function refusing(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const option = error.field ? OPTION_OF[error.field] : undefined;
    console.error(option ? `${option} : ${error.message}` : error.message);
    return 1;
  }
}

/** Waits for the hosting mirror, then says what the zone now holds and serves. */
async function applied(app: INestApplicationContext, r: DnsChangeResult, what: string) {
  await app.get(LegacyHostingMirror).drain();
  const zone = await app.get(Db).run((q) => readLegacyZone(q, r.domain));
  console.log(
    r.recorded === 0
      ? `Rien à changer dans la zone ${r.domain}.`
      : `${what} dans la zone ${r.domain} (numéro de série ${zone?.soa?.serial ?? '?'}) : appliqué sous une minute.`,
  );
  return 0;
}

/** `dns:add --domain <name> --name <label|@> --type <T> --data <value> [--ttl N] [--aux N]`. */
export function dnsAddCli(app: INestApplicationContext, o: DnsCliOptions): Promise<number> {
  return refusing(async () => {
    required(o, ['domain', 'name', 'type', 'data']);
    const r = await app
      .get(CommandBus)
      .execute<AddDnsRecordCommand, DnsChangeResult>(
        new AddDnsRecordCommand(OPERATOR, o.domain!, recordInput(o)),
      );
    return applied(app, r, 'Enregistrement ajouté');
  });
}

/** `dns:remove --domain <name> --name <label|@> --type <T> --data <value>`. */
export function dnsRemoveCli(app: INestApplicationContext, o: DnsCliOptions): Promise<number> {
  return refusing(async () => {
    required(o, ['domain', 'name', 'type', 'data']);
    const r = await app.get(CommandBus).execute<RemoveDnsRecordCommand, DnsChangeResult>(
      new RemoveDnsRecordCommand(OPERATOR, o.domain!, {
        name: o.name!,
        type: o.type!,
        data: o.data!,
      }),
    );
    return applied(app, r, 'Enregistrement supprimé');
  });
}

/** `dns:export --domain <name>`: the zone as MyDNS serves it, in BIND's format, on stdout. */
export function dnsExportCli(app: INestApplicationContext, o: DnsCliOptions): Promise<number> {
  return refusing(async () => {
    required(o, ['domain']);
    const text = await app.get(Db).run(async (q) => {
      const zone = await editableZone(q, OPERATOR, domainInput(o.domain!));
      return exportZone(zone.soa, await readZoneRecords(q, zone.soa.id));
    });
    process.stdout.write(text);
    return 0;
  });
}
