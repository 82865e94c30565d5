import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonConfigCli, type DaemonConfigArgs } from './daemon-config.cli.js';

const DB = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/gloux_prod' };
let base: string;
let errors: string[];

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'gloux2-daemon-config-'));
  errors = [];
  jest.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(base, { recursive: true, force: true });
});

describe('hosting:daemon-config', () => {
  it('writes every file; the generated passwords are the same in grants.sql and the daemons’ files', () => {
    const out = join(base, 'out');
    expect(daemonConfigCli({ out, 'ftp-port': '2121', 'root-prefix': '/srv/t//' }, DB)).toBe(0);
    const read = (f: string) => readFileSync(join(out, f), 'utf8');
    const grants = read('sql/grants.sql');
    const ftp = read('pure-ftpd/mysql.conf');
    const ftpPassword = /^MYSQLPassword (\S+)$/m.exec(ftp)![1]!;
    const dnsPassword = /^gmysql-password=(\S+)$/m.exec(read('pdns/pdns.conf'))![1]!;
    expect(ftpPassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(grants).toContain(`IDENTIFIED BY '${ftpPassword}'`);
    expect(grants).toContain(`IDENTIFIED BY '${dnsPassword}'`);
    expect(grants).toContain(
      'GRANT SELECT (id_hebergement, login, mot_de_passe, repertoire, uid, gid, actif) ON `gloux_prod`.`ftp`',
    );
    expect(grants).not.toMatch(/GRANT (ALL|SELECT ON `gloux_prod`)/);
    expect(ftp).toContain("MYSQLGetDir SELECT CONCAT('/srv/t', f.repertoire)");
    expect(ftp).toContain("h.etat = 'actif'");
    expect(read('pure-ftpd/run.sh')).toContain(`'-S' '127.0.0.1,2121' '-A' '-E' '-H' '-u' '1000'`);
    expect(read('sql/pdns-views.sql')).toContain('CREATE OR REPLACE VIEW records');
    expect(read('README.md')).toContain('SUSPENSION_CUTS=web,ftp');
    expect(statSync(join(out, 'sql/grants.sql')).mode & 0o077).toBe(0);
    expect(statSync(join(out, 'pure-ftpd/mysql.conf')).mode & 0o077).toBe(0);
  });

  it('renders Dovecot and Postfix: least-privilege users, the served-box guard, the ports and paths', () => {
    const out = join(base, 'out');
    const args: DaemonConfigArgs = {
      out,
      'pop3-port': '1110',
      'imap-port': '1143',
      'mail-root': '/srv/mail/',
      'mail-uid': '5001',
      'lmtp-socket': '/var/spool/postfix/private/lmtp-g2',
    };
    expect(daemonConfigCli(args, DB)).toBe(0);
    const read = (f: string) => readFileSync(join(out, f), 'utf8');
    const grants = read('sql/grants.sql');
    const sql = read('dovecot/dovecot-sql.conf.ext');
    const conf = read('dovecot/dovecot.conf');
    const dovecotPassword = /password=(\S+)$/m.exec(sql)![1]!;
    const postfixPassword = /^password = (\S+)$/m.exec(read('postfix/aliases.cf'))![1]!;
    expect(grants).toContain(`IDENTIFIED BY '${dovecotPassword}'`);
    expect(grants).toContain(`IDENTIFIED BY '${postfixPassword}'`);
    expect(grants).toContain(
      'GRANT SELECT (id_mail, id_hebergement, adresse, mot_de_passe, maildir, quota_mo, pop, imap, actif) ON `gloux_prod`.`mails` TO',
    );
    // Postfix never reads a hash.
    expect(grants).toContain(
      'GRANT SELECT (id_mail, id_hebergement, adresse, maildir, actif) ON `gloux_prod`.`mails` TO',
    );
    expect(grants).toContain('GRANT SELECT (id_mail) ON `gloux_prod`.`g2_mailbox_deletions`');
    expect(sql).toContain('default_pass_scheme = CRYPT');
    expect(sql).toContain("h.etat IN ('actif', 'suspendu')");
    expect(sql).toContain("LEFT(m.maildir, 10) = '/srv/mail/'");
    expect(sql).toContain("CONCAT('*:storage=', m.quota_mo, 'M') AS userdb_quota_rule");
    expect(conf).toContain('port = 1110');
    expect(conf).toContain('port = 1143');
    expect(conf).toContain('first_valid_uid = 5001');
    expect(conf).toContain('first_valid_gid = 5001');
    expect(conf).toContain('base_dir = /run/dovecot');
    expect(conf).toContain('ssl = no');
    expect(read('postfix/main.cf')).toContain('virtual_transport = lmtp:unix:private/lmtp-g2');
    expect(read('postfix/mailboxes.cf')).toContain('d.id_mail IS NULL');
    expect(read('README.md')).toContain('keep receiving mail and logging in by POP3 and IMAP');
    expect(statSync(join(out, 'dovecot/dovecot-sql.conf.ext')).mode & 0o007).toBe(0);
    expect(statSync(join(out, 'postfix/aliases.cf')).mode & 0o007).toBe(0);
  });

  it('the mail root defaults to MAIL_ROOT, where gloux2 writes the boxes', () => {
    const out = join(base, 'out');
    expect(daemonConfigCli({ out }, { ...DB, MAIL_ROOT: '/srv/boites' })).toBe(0);
    expect(readFileSync(join(out, 'dovecot/dovecot-sql.conf.ext'), 'utf8')).toContain(
      "LEFT(m.maildir, 12) = '/srv/boites/'",
    );
  });

  it('with mail in SUSPENSION_CUTS a suspended hosting’s boxes are not served; TLS when given', () => {
    const out = join(base, 'out');
    const env = { ...DB, SUSPENSION_CUTS: 'web,ftp,mail' };
    const tls = { 'tls-cert': '/etc/ssl/mail.pem', 'tls-key': '/etc/ssl/private/mail.key' };
    expect(daemonConfigCli({ out, ...tls }, env)).toBe(0);
    const read = (f: string) => readFileSync(join(out, f), 'utf8');
    for (const file of [
      'dovecot/dovecot-sql.conf.ext',
      'postfix/mailboxes.cf',
      'postfix/aliases.cf',
    ])
      expect(read(file)).not.toContain("'suspendu'");
    expect(read('dovecot/dovecot.conf')).toContain('ssl = required');
    expect(read('dovecot/dovecot.conf')).toContain('ssl_cert = </etc/ssl/mail.pem');
    expect(read('README.md')).toContain('can neither log in nor receive mail');
  });

  it('renders the suspension policy: without ftp in SUSPENSION_CUTS a suspended hosting keeps FTP', () => {
    const out = join(base, 'out');
    expect(daemonConfigCli({ out }, { ...DB, SUSPENSION_CUTS: 'web' })).toBe(0);
    expect(readFileSync(join(out, 'pure-ftpd/mysql.conf'), 'utf8')).toContain(
      "h.etat IN ('actif', 'suspendu')",
    );
  });

  it.each<[DaemonConfigArgs, Record<string, string>, string]>([
    [{ out: '' }, DB, '--out'],
    [{ 'ftp-port': '0' }, DB, '--ftp-port'],
    [{ 'dns-port': '70000' }, DB, '--dns-port'],
    [{ listen: 'localhost; rm' }, DB, '--listen'],
    [{ 'root-prefix': 'relative/dir' }, DB, '--root-prefix'],
    [{ 'root-prefix': "/tmp/it's" }, DB, '--root-prefix'],
    [{ 'pdns-database': 'pdns`x' }, DB, '--pdns-database'],
    [{ 'pop3-port': '0' }, DB, '--pop3-port'],
    [{ 'imap-port': 'x' }, DB, '--imap-port'],
    [{ 'mail-root': 'var/mail' }, DB, '--mail-root'],
    [{ 'mail-root': '/var/../etc' }, DB, '--mail-root'],
    [{ 'mail-root': '/' }, DB, '--mail-root'],
    [{ 'mail-uid': '0' }, DB, '--mail-uid'],
    [{ 'mail-gid': '100' }, DB, '--mail-gid'],
    [{ 'lmtp-socket': "/tmp/it's" }, DB, '--lmtp-socket'],
    [{ 'dovecot-log': 'relative.log' }, DB, '--dovecot-log'],
    [{ 'tls-cert': '/etc/ssl/a.pem' }, DB, '--tls-key'],
    [{}, { ...DB, MAIL_ROOT: '/srv/my mail' }, 'MAIL_ROOT'],
    [{}, { ...DB, SUSPENSION_CUTS: 'web,pop' }, 'SUSPENSION_CUTS'],
    [{}, { DATABASE_URL: 'mysql://root@127.0.0.1/bad-name' }, 'DATABASE_URL'],
  ])('refuses %j in French, exit 1, nothing written', (args, env, names) => {
    const out = join(base, 'out');
    expect(daemonConfigCli({ out, ...args }, env)).toBe(1);
    expect(errors.join('\n')).toContain(names);
    expect(existsSync(out)).toBe(false);
  });
});
