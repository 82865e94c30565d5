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
    [{}, { ...DB, SUSPENSION_CUTS: 'web,pop' }, 'SUSPENSION_CUTS'],
    [{}, { DATABASE_URL: 'mysql://root@127.0.0.1/bad-name' }, 'DATABASE_URL'],
  ])('refuses %j in French, exit 1, nothing written', (args, env, names) => {
    const out = join(base, 'out');
    expect(daemonConfigCli({ out, ...args }, env)).toBe(1);
    expect(errors.join('\n')).toContain(names);
    expect(existsSync(out)).toBe(false);
  });
});
