import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LegacySyncWorker } from '../legacy-sync/legacy-sync.worker.js';
import { LegacyHostingMirror } from '../legacy-sync/legacy-hosting-mirror.js';
import { AppModule } from './app.module.js';
import { domainAddCli, domainRemoveCli } from './hosting/domains.cli.js';
import { domainMailCli } from './hosting/mail/mail-mx.cli.js';
import {
  bankImportCli,
  bankBookLineCli,
  bankMatchCli,
  fecCli,
  fiscalYearCloseCli,
  vatDeclareCli,
  depositSlipCancelCli,
  depositSlipCreateCli,
  depositSlipListCli,
} from './bank/bank.cli.js';
import { creditNoteCli, paymentCli, reversalCli } from './billing/billing.cli.js';
import { billingRunCli, vatScheduleCli } from './billing-run/billing-run.cli.js';
import { CommandPipeline } from './kernel/event-store/command-pipeline.js';
import { fakeBankCli } from './fake-bank/fake-bank.cli.js';
import { daemonConfigCli } from './hosting/daemons/daemon-config.cli.js';
import { ftpCreateCli, ftpPasswordCli } from './hosting/ftp/ftp.cli.js';
import { mailUsageCollectCli } from './hosting/mail/mail-usage.cli.js';
import {
  redirectionCreateCli,
  redirectionDeleteCli,
  redirectionListCli,
} from './hosting/mail/redirections.cli.js';
import {
  mailboxCreateCli,
  mailboxDeleteCli,
  mailboxListCli,
  mailboxPasswordCli,
  mailboxRestoreCli,
} from './hosting/mail/mailboxes.cli.js';
import { vhostCreateCli, vhostDeleteCli } from './hosting/vhosts/vhosts.cli.js';
import { mailboxPurgeDueCli } from './hosting/mail/mail-purge.cli.js';
import { processEnvironment } from './kernel/config.js';
import { legacyBackfillCli, legacyDriftCli, legacyRepairCli } from './legacy/legacy.cli.js';
import { overageRunCli } from './overage/overage.cli.js';
import { sentinelRunCli } from './hosting/sentinel/sentinel.cli.js';
import { lifecycleRunCli } from './lifecycle/lifecycle.cli.js';
import {
  sharesCapitalCli,
  sharesImportCli,
  sharesPayRedemptionCli,
  sharesRedeemCli,
  sharesSubscribeCli,
} from './shares/shares.cli.js';
import { REPORT_COMMANDS, reportCli } from './treasury/treasury.cli.js';
import { dnsAddCli, dnsExportCli, dnsRemoveCli } from './hosting/dns/dns.cli.js';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  migrate                         apply pending migrations (also done at start-up)
  projections:rebuild [name…]     empty read models and replay the log from position 0
                                  (names: invoice-balances, payment-allocation, documents, …;
                                  default all)
  legacy-sync:run                 mirror every committed event into Gloux's tables now
  legacy:backfill [--retry]       import Gloux's history (invoices, payments, allocations) as
                                  events with source gloux; resumable; progress bar; lists
                                  what could not be imported and why (exit 2 if any);
                                  --retry first clears the rows set aside
  legacy:drift                    every difference between Gloux's tables and gloux2's read
                                  models (exit 2 if any)
  legacy:repair                   re-mirror what gloux2 owns, then list what is left
  billing:run --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run]
                                  invoice the hosting accounts whose anniversary falls in
                                  the window (366 days at most); idempotent; exit 2 if an
                                  account could not be billed
  vat:schedule --rate 20 --from YYYY-MM-DD [--reason …]
                                  add an entry to the VAT schedule (standard rate)
  overage:run [--on YYYY-MM-DD]   read Gloux's usage measurements as of that day (default
                                  today): overage warnings, pending lines, invoices at the
                                  threshold; idempotent; exit 2 if a customer could not be
                                  invoiced
  lifecycle:run [--on YYYY-MM-DD] the day's account lifecycle (default today): invoice
                                  notices, reminders, suspensions for unpaid invoices, trial
                                  expiry, closure notices and closures; then Gloux's tables,
                                  e-mails and hooks; idempotent; exit 2 if an account failed
  payment:record --customer N --method cheque|cb|virement|especes|autre --amount 120.00
                 --reference … [--invoice F2026-000001] [--on YYYY-MM-DD] [--bank …]
                 [--overpayment] [--key …]
                                  record a payment (without --invoice: the customer's unpaid
                                  invoices, oldest first; --overpayment keeps the surplus as
                                  credit)
  payment:bounce --payment ID [--on …] [--reason …]
  payment:refund --payment ID --amount X [--on …] [--reference …] [--reason …]
                                  a bounced cheque or a refund, as reversals dated --on
  credit-note:issue --invoice F2026-000001 --reason … [--on YYYY-MM-DD] [--key …]
                                  cancel what is left of an invoice by a credit note
  shares:import-legacy            record Gloux's parts_sociales rows not yet known (also
                                  done at start-up); lists zero dates and nb_parts mismatches
  shares:subscribe --tiers N --count K [--on YYYY-MM-DD] [--reference …] [--key …]
         [--method cheque|transfer|cash [--bank …]]
                                  subscribe K shares (numbers from Gloux's part_sociale counter);
                                  with --method, paid at once by that means (a cheque waits
                                  in 5112 for a deposit slip)
  shares:redeem --tiers N --numbers 2207,10398-10399 [--on …] [--reason …] [--key …]
                                  redeem shares at nominal value (capital floor: refused or queued)
  shares:pay-redemption [--redemption ID --on YYYY-MM-DD --method transfer|cheque --reference …]
                                  pay a redemption back (4567 → 512); alone, lists those to pay
  shares:capital [--on YYYY-MM-DD]
                                  capital at the end of that day, highest capital and floor
  deposit-slip:create --day YYYY-MM-DD | --payment ID[,ID…] [--on YYYY-MM-DD] [--out f.pdf] [--key …]
                                  a numbered cheque deposit slip: the pending cheques received
                                  on --day, or the named ones; handed to the bank on --on
  deposit-slip:cancel --number N --reason … [--on YYYY-MM-DD]
                                  cancel a slip (its cheques are pending again)
  deposit-slip:list [--number N [--out f.pdf]]
                                  cheques to deposit and slips; one slip with --number
  fake-bank:start [--port 3001] [--notify-url http://127.0.0.1:3000/monetico/cgi2]
                                  run the local fake Monetico bank (key MONETICO_KEY, TPE
                                  MONETICO_TPE, default the kit's demo values); no database
  report:cartes | report:encaissements | report:chiffre-affaires | report:tva
         [--from YYYY-MM-DD --to YYYY-MM-DD | --year YYYY] [--by day|month]
         [--format xlsx|ods|csv [--out FILE]]
  report:repartition [--year YYYY] [--product ID] [--format … --out …]
  report:taux-tva [--format … --out …]
                                  the treasurer's reports: figures on stdout, or the file
                                  (streamed; rows counted on stderr); --year is the fiscal year
  bank:import --file releve.txt   import a bank statement (CFONB 120, OFX 1.x/2.x, CAMT.053);
                                  movements already known are skipped
  bank:match [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--confirm-exact]
                                  bank lines against card days and deposit slips: matched,
                                  proposed, écarts, unmatched; confirms the exact proposals
  bank:book-line (--line ID | --day YYYY-MM-DD --amount=-12.34) --kind KIND
         [--on YYYY-MM-DD] [--reason …] [--key …]
                                  book an unmatched bank line: bank_fee (627), bounce_fee (627),
                                  internal_transfer (58), or ignored (--reason required)
  report:fec [--year 2025] [--out dir|file]
                                  gloux2's journals of a fiscal year in the FEC layout, an import
                                  file for the accounting software (default: last year),
                                  <SIREN>-gloux2-ecritures-<AAAAMMJJ>.txt (docs/fec.md)
  fiscal-year:close --year 2025   the closing act: entries numbered for good and validated,
                                  deferred revenue booked, the year locked (docs/accounting.md §7)
  vat:declare --month 2026-01 [--reference REF]
                                  the month's CA3 is filed: nothing may be dated in it any more
  domain:add --hosting <nom> --domain <name> [--no-dns] [--no-mx] [--key …]
                                  add a domain to a hosting (an IDN typed in Unicode is stored
                                  as punycode); its zone (soa, NS, MX) unless --no-dns; refused
                                  in French on stderr, exit 1, nothing written, when the name
                                  is taken (in Gloux too), reserved or invalid
  domain:remove --hosting <nom> --domain <name> [--key …]
                                  remove it and its zone; refused while a web space or a
                                  mailbox uses it (they are listed)
  domain:mail --domain <name> [--hosted oui|non] [--key …]
                                  where the domain's mail goes (Ouvaton's MX, elsewhere, no MX,
                                  or the MX to set at the DNS provider); --hosted oui hosts it
                                  here (MX written in a zone served here), non stops (Ouvaton's
                                  MX removed; refused while an address is left, listed)
  hosting:daemon-config --out <dir> [--listen 127.0.0.1] [--ftp-port 21] [--dns-port 53]
         [--pop3-port 110] [--imap-port 143] [--pdns-database pdns] [--root-prefix <dir>]
         [--mail-root $MAIL_ROOT] [--mail-uid 5000] [--mail-gid <uid>]
         [--lmtp-socket /var/spool/postfix/private/dovecot-lmtp] [--dovecot-run-dir /run/dovecot]
         [--dovecot-state-dir /var/lib/dovecot] [--dovecot-log syslog] [--tls-cert <f> --tls-key <f>]
                                  the daemons' files for the database of DATABASE_URL:
                                  sql/grants.sql (column-level SELECT users), sql/pdns-views.sql,
                                  pure-ftpd/mysql.conf + run.sh, pdns/pdns.conf,
                                  dovecot/dovecot.conf + dovecot-sql.conf.ext, postfix/main.cf +
                                  domains.cf, mailboxes.cf, aliases.cf, README.md;
                                  needs no connection (docs/install.md "Daemons")
  ftp:create --hosting <nom> --kind supplementary|master|vhost --login <login> --path <relative>
         --password <p>           an FTP account (supplementary: <nom>_…, under a subfolder);
                                  live once mirrored into Gloux's ftp table
  ftp:password --login <login> --password <p>
                                  a panel-created FTP account's new password
  mailbox:create --hosting <nom> --address <a@d> --password <p> [--quota-mb N] [--key …]
                                  a mailbox on one of the hosting's domains whose mail is
                                  hosted here (default quota 1024 Mo); live once mirrored
                                  into Gloux's mails table; past the plan's boxes, says the price
  mailbox:password --address <a@d> --password <p>
  mailbox:delete --address <a@d>  deferred deletion: logins and delivery stop at once, the mail
                                  is kept MAIL_DELETION_DAYS (7) days before the purge
  mailbox:restore --address <a@d> cancels a pending deletion: the box works again, mail intact
  mailbox:list --hosting <nom>    the hosting's boxes: address, quota, POP/IMAP, state
  dns:add --domain <name> --name <label|@> --type <T> --data <value> [--ttl N] [--aux N]
                                  add a record to the domain's zone (A, AAAA, CNAME, MX, TXT,
                                  SRV, NS; --aux: MX/SRV priority; SRV --data "weight port
                                  target"); rr written and the SOA serial bumped on return
  dns:remove --domain <name> --name <label|@> --type <T> --data <value>
                                  remove that record from the zone
  dns:export --domain <name>      the zone as served, in BIND's format, on stdout
  vhost:create --hosting <nom> --host <fqdn> [--folder /dossier] [--aliases "a.fr b.fr"]
         [--php aucun|4|5] [--key …]
                                  a web space: Gloux's vhosts row (a_regenerer = 1) and the
                                  job creating its folder
  vhost:delete --host <fqdn> [--key …]
                                  remove a web space; the deletion of its files is queued
  mail-usage:collect [--on YYYY-MM-DD]
                                  each box's disk use of the day (HOSTING_HOOK_MAIL_USAGE) into
                                  g2_mail_usage; a rerun replaces the day; exit 2 when some box
                                  could not be measured (listed with why)
  redirection:create --hosting <nom> --source <a@d|@d> --to <x@y,...> [--keep-copy] [--key …]
                                  a mail redirection (@d: every address of the domain without
                                  its own box or redirection); Gloux's mails_redirections row
                                  written on return; refusals listed on stderr, exit 1
  redirection:delete --source <a@d|@d> [--key …]
                                  remove it (Gloux's own rows too)
  redirection:list --hosting <nom>
                                  source, copy, destinations: one line each, tab-separated
  sentinel:run [--on YYYY-MM-DD]  the mailbox sentinel for that day (default today), after
                                  mail-usage:collect: e-mails each member whose box reached
                                  90 % or 100 % of its quota (once per episode, again when
                                  worse), a summary to ADMIN_EMAIL; a second run sends nothing
  mailbox:purge-due [--on YYYY-MM-DD]
                                  daily (cron): purge the mailboxes whose deferred deletion is
                                  due that day (default today, never later): their files are
                                  deleted by HOSTING_HOOK_MAIL_PURGE, then the address is free;
                                  exit 2 if a hosting failed

Environment: DATABASE_URL=mysql://user:pass@host/db (default: embedded SQLite, SQLITE_PATH)`;

const COMMANDS = [
  'migrate',
  'projections:rebuild',
  'legacy-sync:run',
  'legacy:backfill',
  'legacy:drift',
  'legacy:repair',
  'billing:run',
  'vat:schedule',
  'overage:run',
  'lifecycle:run',
  'payment:record',
  'payment:bounce',
  'payment:refund',
  'credit-note:issue',
  'shares:import-legacy',
  'shares:subscribe',
  'shares:redeem',
  'vhost:create',
  'vhost:delete',
  'shares:pay-redemption',
  'shares:capital',
  'deposit-slip:create',
  'deposit-slip:cancel',
  'deposit-slip:list',
  'fake-bank:start',
  ...Object.keys(REPORT_COMMANDS),
  'bank:import',
  'bank:match',
  'bank:book-line',
  'report:fec',
  'fiscal-year:close',
  'vat:declare',
  'hosting:daemon-config',
  'ftp:create',
  'ftp:password',
  'mailbox:create',
  'mailbox:password',
  'mailbox:delete',
  'mailbox:restore',
  'mailbox:list',
  'dns:add',
  'dns:remove',
  'dns:export',
  'domain:add',
  'domain:remove',
  'mail-usage:collect',
  'redirection:create',
  'redirection:delete',
  'redirection:list',
  'sentinel:run',
  'domain:mail',
  'mailbox:purge-due',
];

/** Nest's console logger, every level on stderr (it writes warnings to stdout). */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    ...rest: [errorStack?: unknown, params?: Record<string, unknown>]
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', ...rest);
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      rate: { type: 'string' },
      category: { type: 'string' },
      reason: { type: 'string' },
      on: { type: 'string' },
      invoice: { type: 'string' },
      customer: { type: 'string' },
      method: { type: 'string' },
      amount: { type: 'string' },
      reference: { type: 'string' },
      bank: { type: 'string' },
      payment: { type: 'string' },
      overpayment: { type: 'boolean' },
      key: { type: 'string' },
      tiers: { type: 'string' },
      count: { type: 'string' },
      numbers: { type: 'string' },
      day: { type: 'string' },
      number: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      'notify-url': { type: 'string' },
      retry: { type: 'boolean' },
      year: { type: 'string' },
      format: { type: 'string' },
      by: { type: 'string' },
      product: { type: 'string' },
      file: { type: 'string' },
      'confirm-exact': { type: 'boolean' },
      redemption: { type: 'string' },
      month: { type: 'string' },
      line: { type: 'string' },
      kind: { type: 'string' },
      listen: { type: 'string' },
      'ftp-port': { type: 'string' },
      'dns-port': { type: 'string' },
      'pop3-port': { type: 'string' },
      'imap-port': { type: 'string' },
      'pdns-database': { type: 'string' },
      'root-prefix': { type: 'string' },
      'mail-root': { type: 'string' },
      'mail-uid': { type: 'string' },
      'mail-gid': { type: 'string' },
      'lmtp-socket': { type: 'string' },
      'dovecot-run-dir': { type: 'string' },
      'dovecot-state-dir': { type: 'string' },
      'dovecot-log': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      hosting: { type: 'string' },
      login: { type: 'string' },
      path: { type: 'string' },
      password: { type: 'string' },
      domain: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      data: { type: 'string' },
      ttl: { type: 'string' },
      aux: { type: 'string' },
      host: { type: 'string' },
      folder: { type: 'string' },
      aliases: { type: 'string' },
      php: { type: 'string' },
      'no-dns': { type: 'boolean' },
      'no-mx': { type: 'boolean' },
      source: { type: 'string' },
      'keep-copy': { type: 'boolean' },
      hosted: { type: 'string' },
      address: { type: 'string' },
      'quota-mb': { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  if (!COMMANDS.includes(command)) {
    console.error(`Unknown command: ${command}\n\n${USAGE}`);
    return 1;
  }
  // The fake bank needs no database: it runs until interrupted.
  if (command === 'fake-bank:start') return fakeBankCli(values);
  // Renders files only: no database connection, so it works before Gloux's database exists.
  if (command === 'hosting:daemon-config') return daemonConfigCli(values, processEnvironment());
  // Commands whose stdout is data (a zone file) or a verdict: the app's warnings go to stderr.
  const logger = command.startsWith('dns:')
    ? new StderrLogger({ logLevels: ['warn', 'error'] })
    : undefined;
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: logger ?? ['warn', 'error'],
  });
  try {
    switch (command) {
      case 'migrate':
        console.log('Migrations applied.');
        return 0;
      case 'projections:rebuild': {
        const pipeline = app.get(CommandPipeline);
        const started = Date.now();
        const { events } = await pipeline.rebuild(rest, (position) =>
          process.stderr.write(`\r  replayed up to position ${position}`),
        );
        process.stderr.write('\n');
        console.log(
          `Rebuilt ${rest.length ? rest.join(', ') : pipeline.projectionNames.join(', ')} from ${events} events in ${Date.now() - started} ms.`,
        );
        return 0;
      }
      case 'billing:run':
        return await billingRunCli(app, values);
      case 'vat:schedule':
        return await vatScheduleCli(app, values);
      case 'overage:run':
        return await overageRunCli(app, values);
      case 'sentinel:run':
        return await sentinelRunCli(app, values);
      case 'lifecycle:run':
        return await lifecycleRunCli(app, values);
      case 'payment:record':
        return await paymentCli(app, values);
      case 'payment:bounce':
        return await reversalCli(app, 'bounced', values);
      case 'payment:refund':
        return await reversalCli(app, 'refund', values);
      case 'credit-note:issue':
        return await creditNoteCli(app, values);
      case 'shares:import-legacy':
        return await sharesImportCli(app);
      case 'shares:subscribe':
        return await sharesSubscribeCli(app, values);
      case 'shares:redeem':
        return await sharesRedeemCli(app, values);
      case 'vhost:create':
        return await vhostCreateCli(app, values);
      case 'vhost:delete':
        return await vhostDeleteCli(app, values);
      case 'shares:pay-redemption':
        return await sharesPayRedemptionCli(app, values);
      case 'shares:capital':
        return await sharesCapitalCli(app, values);
      case 'deposit-slip:create':
        return await depositSlipCreateCli(app, values);
      case 'deposit-slip:cancel':
        return await depositSlipCancelCli(app, values);
      case 'deposit-slip:list':
        return await depositSlipListCli(app, values);
      case 'legacy:backfill':
        return await legacyBackfillCli(app, values);
      case 'legacy:drift':
        return await legacyDriftCli(app);
      case 'legacy:repair':
        return await legacyRepairCli(app);
      case 'bank:import':
        return await bankImportCli(app, values);
      case 'bank:match':
        return await bankMatchCli(app, values);
      case 'bank:book-line':
        return await bankBookLineCli(app, values);
      case 'report:fec':
        return await fecCli(app, values);
      case 'fiscal-year:close':
        return await fiscalYearCloseCli(app, values);
      case 'vat:declare':
        return await vatDeclareCli(app, values);
      case 'ftp:create':
        return await ftpCreateCli(app, values);
      case 'ftp:password':
        return await ftpPasswordCli(app, values);
      case 'mailbox:create':
        return await mailboxCreateCli(app, values);
      case 'mailbox:password':
        return await mailboxPasswordCli(app, values);
      case 'mailbox:delete':
        return await mailboxDeleteCli(app, values);
      case 'mailbox:restore':
        return await mailboxRestoreCli(app, values);
      case 'mailbox:list':
        return await mailboxListCli(app, values);
      case 'dns:add':
        return await dnsAddCli(app, values);
      case 'dns:remove':
        return await dnsRemoveCli(app, values);
      case 'dns:export':
        return await dnsExportCli(app, values);
      case 'domain:add':
        return await domainAddCli(app, values);
      case 'domain:remove':
        return await domainRemoveCli(app, values);
      case 'mail-usage:collect':
        return await mailUsageCollectCli(app, values);
      case 'redirection:create':
        return await redirectionCreateCli(app, values);
      case 'redirection:delete':
        return await redirectionDeleteCli(app, values);
      case 'redirection:list':
        return await redirectionListCli(app, values);
      case 'domain:mail':
        return await domainMailCli(app, values);
      case 'mailbox:purge-due':
        return await mailboxPurgeDueCli(app, values);
      case 'legacy-sync:run': {
        const n = await app.get(LegacySyncWorker).catchUp();
        const hosting = await app.get(LegacyHostingMirror).catchUp();
        console.log(`Mirrored ${n + hosting} events into Gloux's tables.`);
        return 0;
      }
      default: {
        const report = REPORT_COMMANDS[command];
        if (report) return await reportCli(app, report, values);
        console.error(`Unknown command: ${command}\n\n${USAGE}`);
        return 1;
      }
    }
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
