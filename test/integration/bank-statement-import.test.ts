import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import {
  ImportBankStatementCommand,
  type ImportBankStatementResult,
} from '../../src/bank/bank-statement.commands.js';
import { BANK_CONFIG, loadBankConfig } from '../../src/kernel/config.js';
import { ReconciliationService } from '../../src/bank/reconciliation.service.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

const fixture = (name: string) =>
  readFileSync(join(projectRoot, 'test/fixtures/bank', name), 'latin1');
const CURRENT = 'FR7630004001230001234567843';
const SAVINGS = 'FR7630004001230009876543253';

/** An OFX 1.x statement of the current account holding these movements (day, amount, label). */
function ofx(movements: [string, string, string][]): string {
  const trns = movements
    .map(
      ([day, amount, name], i) =>
        `<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>${day.replace(/-/g, '')}\n<TRNAMT>${amount}\n<FITID>T${day}${i}\n<NAME>${name}\n<MEMO>\n</STMTTRN>`,
    )
    .join('\n');
  return `OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>1\n<STMTRS>\n<CURDEF>EUR\n<BANKACCTFROM>\n<BANKID>30004\n<BRANCHID>00123\n<ACCTID>00012345678\n<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n${trns}\n</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n`;
}

/** The same movements as a CAMT.053 statement, the way another channel of the bank writes them. */
function camt(movements: [string, string, string][]): string {
  const entries = movements
    .map(
      ([day, amount, name]) =>
        `<Ntry><Amt Ccy="EUR">${amount.replace('-', '')}0</Amt><CdtDbtInd>${amount.startsWith('-') ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>${day}T10:00:00+01:00</DtTm></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>${name} PAIEMENT CB</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr>\n<Stmt><Id>S1</Id><Acct><Id><IBAN>${CURRENT}</IBAN></Id></Acct>\n${entries}\n</Stmt></BkToCstmrStmt></Document>\n`;
}

describe.each(dialects)('bank statements as banks write them, on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    // The cooperative keeps the current account only; its savings and card accounts are not.
    app = await AppHarness.start(database, {
      overrides: [
        [BANK_CONFIG, loadBankConfig({ BANK_ACCOUNTS: 'FR76 3000 4001 2300 0123 4567 843' })],
      ],
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const importText = (fileName: string, content: string) =>
    app.context
      .get(CommandBus)
      .execute<ImportBankStatementCommand, ImportBankStatementResult>(
        new ImportBankStatementCommand({ fileName, content }, 'test'),
      );
  const importFile = (name: string) => importText(name, fixture(name));
  const balances = async () =>
    (
      await app.db.query(
        `SELECT account, kind, on_day, amount_cents FROM g2_rm_bank_balances ORDER BY on_day, kind DESC`,
      )
    ).map((b) => [b.account, b.kind, b.on_day, Number(b.amount_cents)]);
  const lines = () =>
    app.db.query(
      `SELECT account, booked_on, amount_cents, label FROM g2_rm_bank_lines ORDER BY booked_on, amount_cents`,
    );

  it('imports the known account of a multi-account CFONB file and names the unknown ones', async () => {
    const r = await importFile('releve-cfonb120-comptes.txt');
    expect(r).toMatchObject({
      format: 'cfonb120',
      account: CURRENT,
      lines: 3,
      imported: 3,
      accounts: [{ account: CURRENT, lines: 3, imported: 3, skipped: 0 }],
      unknownAccounts: [{ account: SAVINGS, lines: 1 }],
    });
    expect((await lines()).map((l) => [l.account, l.booked_on, Number(l.amount_cents)])).toEqual([
      [CURRENT, '2026-11-05', 885],
      [CURRENT, '2026-11-06', -1500],
      [CURRENT, '2026-11-06', 12345],
    ]);
    expect(await balances()).toEqual([
      [CURRENT, 'opening', '2026-11-04', 100000],
      [CURRENT, 'closing', '2026-11-06', 111730],
    ]);
  });

  it('adds no movement when the same days come again as CAMT.053 with UTC date-times', async () => {
    const r = await importFile('releve-camt053-utc.xml');
    expect(r).toMatchObject({
      importId: null,
      imported: 0,
      skipped: 3,
      unknownAccounts: [{ account: SAVINGS, lines: 1 }],
    });
    expect(await app.count('g2_rm_bank_lines')).toBe(3);
    // Its opening balance is dated otherwise than CFONB's: kept too; its closing one is known.
    expect(await balances()).toEqual([
      [CURRENT, 'opening', '2026-11-03', 100000],
      [CURRENT, 'opening', '2026-11-04', 100000],
      [CURRENT, 'closing', '2026-11-06', 111730],
    ]);
    const events = await app.count('g2_events');
    expect((await importFile('releve-camt053-utc.xml')).imported).toBe(0);
    expect(await app.count('g2_events')).toBe(events);
  });

  it('refuses an OFX statement whose movements do not lead from the kept balance to its own', async () => {
    const events = await app.count('g2_events');
    const wrong = fixture('releve-ofx1-plusieurs-comptes.ofx').replace('1192.80', '1192.90');
    const e = await refusal(importText('faux.ofx', wrong), 'invalid_file', 'file');
    expect(e.message).toBe(
      'Relevé refusé, ligne 29 : le solde du 06/11/2026 (1117.30, d’un relevé déjà importé) plus les mouvements qui suivent (75.50) donnent 1192.80, pas le solde annoncé au 10/11/2026 (1192.90) ; rien n’est importé.',
    );
    expect(await app.count('g2_events')).toBe(events);
  });

  it('imports every list of an OFX file into the known account, the rest listed', async () => {
    const r = await importFile('releve-ofx1-plusieurs-comptes.ofx');
    expect(r).toMatchObject({
      accounts: [{ account: CURRENT, lines: 2, imported: 2 }],
      unknownAccounts: [
        { account: SAVINGS, lines: 1 },
        { account: '4970XXXXXXXX1234', lines: 1 },
      ],
    });
    expect(await app.count('g2_rm_bank_lines')).toBe(5);
    expect(await app.count('g2_rm_bank_lines', 'account <> ?', [CURRENT])).toBe(0);
    expect(await app.count('g2_rm_bank_balances', 'account <> ?', [CURRENT])).toBe(0);
    expect((await balances()).at(-1)).toEqual([CURRENT, 'closing', '2026-11-10', 119280]);
    // The page follows the account from one stated balance to the next with the movements.
    const view = await app.context.get(ReconciliationService).view('2026-11-01', '2026-11-30');
    expect(view.balances).toMatchObject([
      { account: CURRENT, on: '2026-11-06', amount: '1117.30', previous: null, gap: null },
      {
        account: CURRENT,
        on: '2026-11-10',
        amount: '1192.80',
        previous: { on: '2026-11-06', amount: '1117.30' },
        movements: '75.50',
        gap: '0.00',
      },
    ]);
    expect((await importFile('releve-ofx1-plusieurs-comptes.ofx')).imported).toBe(0);
  });

  it('refuses a file holding none of the cooperative’s accounts, recording nothing', async () => {
    const events = await app.count('g2_events');
    const e = await refusal(importFile('releve-ofx2-usd.ofx'), 'unknown_account', 'file');
    expect(e.message).toBe(
      'Relevé refusé : aucun de ses comptes n’est un compte de la coopérative (4820017754) ; rien n’est importé (les comptes tenus sont dans BANK_ACCOUNTS).',
    );
    expect(await app.count('g2_events')).toBe(events);
  });

  it('keeps two identical card payments of one day as two, whatever format brings them', async () => {
    const day: [string, string, string][] = [
      ['2026-11-20', '-9.99', 'CB OVH SAS 19/11'],
      ['2026-11-20', '-9.99', 'CB OVH SAS 19/11'],
      ['2026-11-20', '-4.20', 'CB LA POSTE 19/11'],
    ];
    expect((await importText('a.ofx', ofx(day))).imported).toBe(3);
    expect((await importText('a.ofx', ofx(day))).imported).toBe(0);
    expect((await importText('a.xml', camt(day))).imported).toBe(0);
    // The CAMT statement of the whole day shows a third one the OFX file had not yet.
    const later = [...day, day[0]!];
    expect(await importText('b.xml', camt(later))).toMatchObject({ imported: 1, skipped: 3 });
    expect((await importText('b.ofx', ofx(later))).imported).toBe(0);
    expect(await app.count('g2_rm_bank_lines', 'booked_on = ?', ['2026-11-20'])).toBe(4);
  });
});

describe('bank statements in a foreign currency', () => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await AppHarness.start(database, { overrides: [[BANK_CONFIG, loadBankConfig({})]] });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('refuses an OFX statement in USD rather than importing it as euros', async () => {
    const events = await app.count('g2_events');
    const e = await refusal(
      app.context
        .get(CommandBus)
        .execute(
          new ImportBankStatementCommand(
            { fileName: 'usd.ofx', content: fixture('releve-ofx2-usd.ofx') },
            'test',
          ),
        ),
      'invalid_file',
      'file',
    );
    expect(e.message).toBe(
      'Relevé refusé, ligne 15 : le relevé du compte 4820017754 est en USD ; gloux2 ne tient que des comptes en euros, rien n’est importé.',
    );
    expect(await app.count('g2_events')).toBe(events);
  });
});
