import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { glouxFixtures } from '../../src/kernel/paths.js';
import type { Db } from '../../src/kernel/database/db.js';
import type { ExpectedVersion, NewEvent } from '../../src/kernel/event-store/event-store.js';
import type { AppHarness } from './app-harness.js';
import { runGloux, type TestDatabase } from './databases.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** What the test says "today" is when the message arrived. */
  day: string;
}

/** A real SMTP server on a free local port, keeping every message it accepts. */
export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  /** The next n messages are refused with a temporary error (451). */
  failNext = 0;
  day = '';
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<TestSmtp> {
    let self: TestSmtp | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (self!.failNext > 0) {
            self!.failNext -= 1;
            const error = new Error('Essayez plus tard') as Error & { responseCode: number };
            error.responseCode = 451;
            callback(error);
            return;
          }
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
              self!.received.push({
                to: to?.value[0]?.address ?? '',
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : '',
                messageId: mail.messageId ?? '',
                day: self!.day,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    self = new TestSmtp(server, port);
    return self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Gloux's closing script G3 as Gloux runs it, on the simulated day: the vendored statements
 * (read as latin1 so 'impayé' keeps Gloux's bytes) with CURDATE()/NOW() replaced by that day.
 * On SQLite (no UPDATE … JOIN) the same two statements written with EXISTS.
 */
export async function runG3(database: TestDatabase, db: Db, day: string): Promise<void> {
  const now = `${day} 06:00:00`;
  if (database.gloux) {
    const text = readFileSync(join(glouxFixtures, 'gloux-behaviour.sql')).toString('latin1');
    const start = text.indexOf('-- G3.');
    const section = text
      .slice(start, text.indexOf('\n-- G4', start))
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('--'))
      .join('\n')
      .replaceAll('CURDATE()', `'${day}'`)
      .replaceAll('NOW()', `'${now}'`);
    for (const sql of section
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== ''))
      await runGloux(database.gloux, sql);
    return;
  }
  await db.run(async (q) => {
    await q.execute(
      `UPDATE hebergements SET etat = 'suspendu', motif_etat = 'impayé > 60 jours', date_etat = ?
        WHERE etat = 'actif' AND EXISTS (SELECT 1 FROM factures f WHERE f.id_client = hebergements.id_client
          AND f.statut = 'emise' AND f.type_facture = 'facture' AND f.date_echeance < date(?, '-60 day'))`,
      [now, day],
    );
    await q.execute(
      `UPDATE clients SET etat = 'suspendu' WHERE etat = 'actif' AND EXISTS (SELECT 1 FROM hebergements h
        WHERE h.id_client = clients.id_client AND h.etat = 'suspendu')`,
    );
  });
}

/** One Gloux member with one hosting account (tiers, client and hosting share the id). */
export async function seedGlouxAccount(
  db: Db,
  id: number,
  name: string,
  state: { etat?: string; motif?: string; since?: string } = {},
): Promise<void> {
  await db.run(async (q) => {
    await q.execute(
      `INSERT INTO tiers (id_tiers, type_tiers, nom, prenom, adresse, email, date_creation) VALUES (?, 'physique', ?, 'Test', '1 rue Z\n75001 Paris', ?, '2024-01-01 00:00:00')`,
      [id, name, `${name}@example.org`],
    );
    await q.execute(
      `INSERT INTO clients (id_client, num_client, id_tiers, solde, etat, date_ouverture) VALUES (?, ?, ?, 0, ?, '2024-01-01')`,
      [id, `24010100${String(id).padStart(5, '0')}`, id, state.etat ?? 'actif'],
    );
    await q.execute(
      `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat, motif_etat, date_etat)
       VALUES (?, ?, ?, ?, 1, 'web1', ?, '2024-01-01 00:00:00', '2026-01-01', ?, ?, ?)`,
      [
        id,
        id,
        name,
        30000 + id,
        `/home/${name}`,
        state.etat ?? 'actif',
        state.motif ?? '',
        state.since ? `${state.since} 06:00:00` : '0000-00-00 00:00:00',
      ],
    );
  });
}

/** A real hook script: appends its arguments and GLOUX2_REASON to a file, or fails when told. */
export function hookScript(): { path: string; log: string; failFlag: string; lines(): string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-hook-'));
  const log = join(dir, 'calls.log');
  const failFlag = join(dir, 'fail');
  const path = join(dir, 'hook.sh');
  writeFileSync(
    path,
    `#!/bin/sh\nif [ -e '${failFlag}' ]; then echo "panne du serveur" >&2; exit 3; fi\necho "$1 $2 $3 $4 $GLOUX2_REASON" >> '${log}'\necho "ok $1 $3"\n`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    log,
    failFlag,
    lines: () => {
      try {
        return readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
      } catch {
        return [];
      }
    },
  };
}

/** Appends events as another part of the app would (sign-up, overage job, an admin action). */
export async function appendEvents(
  app: AppHarness,
  streamId: string,
  events: NewEvent[],
  expectedVersion: ExpectedVersion = 'any',
): Promise<void> {
  await app.pipeline.execute({
    commandType: 'Test',
    actor: 'test',
    now: app.clock.now(),
    request: { streamId, events },
    decide: async () => ({ appends: [{ streamId, expectedVersion, events }], result: null }),
  });
}
