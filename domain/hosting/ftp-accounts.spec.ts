import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import { DomainError } from '../shared/errors.js';
import {
  decideChangeFtpPassword,
  decideChangeFtpRoot,
  decideCreateFtpAccount,
  decideRemoveFtpAccount,
  evolveFtpAccounts,
  ftpDirectory,
  initialFtpAccountsState,
  parseFtpLogin,
  parseFtpPath,
  type CreateFtpAccount,
  type CreateFtpAccountContext,
  type FtpAccountsState,
  type FtpHostingFacts,
} from './ftp-accounts.js';
import type { FtpAccountCreated, FtpEvent } from './ftp-events.js';

const hosting: FtpHostingFacts = {
  hostingId: 1,
  name: 'annelef',
  root: '/home/a/annelef',
  closed: false,
};
const ctx = (over: Partial<CreateFtpAccountContext> = {}): CreateFtpAccountContext => ({
  hosting,
  accountId: 'ftp-1',
  actor: 'user:7',
  loginTaken: false,
  ...over,
});
/** Given/when/then over the FTP accounts' state, for one decider. */
const ftpSpec = <C, X, E extends FtpEvent>(
  decide: (s: FtpAccountsState, c: C, x: X) => readonly E[],
) =>
  deciderSpec<FtpAccountsState, C, X, FtpEvent>({
    initial: initialFtpAccountsState,
    evolve: evolveFtpAccounts,
    decide,
  });
const create = ftpSpec(decideCreateFtpAccount);
const supplementary: CreateFtpAccount = {
  kind: 'supplementary',
  login: 'annelef_blog',
  path: 'www/blog',
  password: 'correct horse',
};
const created = (
  accountId: string,
  kind: FtpAccountCreated['data']['kind'],
  login: string,
  path: string,
  vhostId: string | null = null,
): FtpAccountCreated => ({
  type: 'FtpAccountCreated',
  data: { hostingId: 1, accountId, kind, login, path, vhostId, actor: 'user:7' },
});

describe('FTP paths (pitfall 5)', () => {
  it('normalises a relative folder and joins it to the root', () => {
    expect(parseFtpPath(' www//blog/ ', hosting.root)).toBe('www/blog');
    expect(ftpDirectory(hosting.root, 'www/blog')).toBe('/home/a/annelef/www/blog');
    expect(ftpDirectory(hosting.root, '')).toBe('/home/a/annelef');
  });

  it.each([
    ['www/../../etc', '..'],
    ['..', '..'],
    ['./www', '.'],
    ['/etc', 'sans /'],
    ['~root', 'sans /'],
    ['www\\..\\x', 'sans /'],
    ['www/\0x', 'contrôle'],
    ['www/.ssh', 'sans point au début'],
    ['www/a;b', 'lettres'],
    [`${'a'.repeat(250)}`, '255'],
  ])('refuses %j, naming the field chemin', (path, words) => {
    let refusal: unknown;
    try {
      parseFtpPath(path, hosting.root);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).field).toBe('chemin');
    expect((refusal as DomainError).message).toContain(words);
  });

  it('property: an accepted folder stays under the root, has no dot element and fits Gloux', () => {
    const piece = fc.constantFrom(
      'a',
      'www',
      '..',
      '.',
      '',
      '/',
      '//',
      'b c',
      '\0',
      '.x',
      '~',
      '-',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const raw = pieces.join('/');
        let path: string;
        try {
          path = parseFtpPath(raw, hosting.root);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          return;
        }
        const full = ftpDirectory(hosting.root, path);
        expect(full === hosting.root || full.startsWith(`${hosting.root}/`)).toBe(true);
        expect(full.split('/').some((s) => s === '..' || s === '.')).toBe(false);
        expect(full).not.toMatch(/\/\/|\/$|\0/);
        expect(full.length).toBeLessThanOrEqual(255);
        // Normalised: parsing again changes nothing.
        expect(parseFtpPath(path, hosting.root)).toBe(path);
      }),
    );
  });
});

describe('FTP logins', () => {
  it('lower-cases, keeps Gloux’s 64 characters and a safe charset', () => {
    expect(parseFtpLogin(' AnneLef_Blog ')).toBe('annelef_blog');
    expect(() => parseFtpLogin('a'.repeat(65))).toThrow('64');
    for (const bad of ['', '1abc', 'anne lef', 'anne"x', "x' OR '1'='1", 'anné'])
      expect(() => parseFtpLogin(bad)).toThrow(DomainError);
  });
});

describe('CreateFtpAccount', () => {
  it('creates a supplementary account on a subfolder; no password in the event', () => {
    const events = create
      .given()
      .when(supplementary, ctx())
      .then([created('ftp-1', 'supplementary', 'annelef_blog', 'www/blog')])
      .events();
    expect(JSON.stringify(events)).not.toContain('correct horse');
  });

  it('the master account is the hosting’s name on its root, once', () => {
    const master = {
      kind: 'master',
      login: 'annelef',
      path: 'ignored',
      password: 'p4ssword',
    } as const;
    create
      .given()
      .when(master, ctx())
      .then([created('ftp-1', 'master', 'annelef', '')]);
    create
      .given(created('m', 'master', 'annelef', ''))
      .when(master, ctx())
      .thenThrows('conflict', 'login');
    create
      .given()
      .when({ ...master, login: 'autre' }, ctx())
      .thenThrows('invalid_input', 'login');
  });

  it('a vhost account names its web space, one per web space', () => {
    const vhost = {
      kind: 'vhost',
      login: 'annelef_www',
      path: 'www',
      vhostId: 'v1',
      password: 'p4ssword',
    } as const;
    create
      .given()
      .when(vhost, ctx())
      .then([created('ftp-1', 'vhost', 'annelef_www', 'www', 'v1')]);
    create
      .given(created('x', 'vhost', 'annelef_www', 'www', 'v1'))
      .when({ ...vhost, login: 'annelef_w2' }, ctx())
      .thenThrows('conflict', 'vhost');
    create
      .given()
      .when({ ...vhost, vhostId: null }, ctx())
      .thenThrows('invalid_input', 'vhost');
  });

  it('refuses .., the root itself, another prefix, a taken login, a short password, a closed hosting', () => {
    create
      .given()
      .when({ ...supplementary, path: 'www/../..' }, ctx())
      .thenThrows('invalid_input', 'chemin');
    create
      .given()
      .when({ ...supplementary, path: '' }, ctx())
      .thenThrows('invalid_input', 'chemin');
    create
      .given()
      .when({ ...supplementary, login: 'lesamis_x' }, ctx())
      .thenThrows('invalid_input', 'login');
    create
      .given()
      .when(supplementary, ctx({ loginTaken: true }))
      .thenThrows('name_taken', 'login');
    create
      .given(created('y', 'supplementary', 'annelef_blog', 'www'))
      .when({ ...supplementary, path: 'www/x' }, ctx())
      .thenThrows('name_taken', 'login');
    create
      .given()
      .when({ ...supplementary, password: 'court' }, ctx())
      .thenThrows('invalid_input', 'mot_de_passe');
    create
      .given()
      .when(supplementary, ctx({ hosting: { ...hosting, closed: true } }))
      .thenThrows('account_closed');
  });
});

describe('password, folder and removal', () => {
  const history = [
    created('m', 'master', 'annelef', ''),
    created('v', 'vhost', 'annelef_www', 'www', 'v1'),
    created('s', 'supplementary', 'annelef_blog', 'www/blog'),
  ];
  const change = { hosting, actor: 'user:7' };

  it('a password change records only the actor', () => {
    ftpSpec(decideChangeFtpPassword)
      .given(...history)
      .when({ accountId: 'v', password: 'n0uveau-secret' }, change)
      .then([
        {
          type: 'FtpPasswordChanged',
          data: { hostingId: 1, accountId: 'v', login: 'annelef_www', actor: 'user:7' },
        },
      ]);
  });

  it('only a supplementary account changes folder, under the root', () => {
    const spec = ftpSpec(decideChangeFtpRoot);
    const state = spec
      .given(...history)
      .when({ accountId: 's', path: 'www/photos' }, change)
      .then([
        {
          type: 'FtpRootChanged',
          data: {
            hostingId: 1,
            accountId: 's',
            login: 'annelef_blog',
            path: 'www/photos',
            actor: 'user:7',
          },
        },
      ])
      .state();
    expect(state.accounts['s']!.path).toBe('www/photos');
    spec
      .given(...history)
      .when({ accountId: 's', path: 'www/blog' }, change)
      .then([]);
    spec
      .given(...history)
      .when({ accountId: 'm', path: 'www' }, change)
      .thenThrows('invalid_input', 'chemin');
    spec
      .given(...history)
      .when({ accountId: 's', path: '../lesamis' }, change)
      .thenThrows('invalid_input', 'chemin');
    spec
      .given(...history)
      .when({ accountId: 'zz', path: 'www' }, change)
      .thenThrows('not_found');
  });

  it('a cooperator removes only supplementary accounts; closure removes any', () => {
    const spec = ftpSpec(decideRemoveFtpAccount);
    const state = spec
      .given(...history)
      .when({ accountId: 's', reason: 'requested' }, change)
      .then([
        {
          type: 'FtpAccountRemoved',
          data: {
            hostingId: 1,
            accountId: 's',
            login: 'annelef_blog',
            reason: 'requested',
            actor: 'user:7',
          },
        },
      ])
      .state();
    expect(Object.keys(state.accounts).sort()).toEqual(['m', 'v']);
    spec
      .given(...history)
      .when({ accountId: 'm', reason: 'requested' }, change)
      .thenThrows('invalid_input', 'compte');
    spec
      .given(...history)
      .when({ accountId: 'v', reason: 'requested' }, change)
      .thenThrows('invalid_input', 'compte');
    spec
      .given(...history)
      .when({ accountId: 'v', reason: 'vhost_removed' }, change)
      .events();
    spec
      .given(...history)
      .when({ accountId: 'm', reason: 'hosting_closed' }, change)
      .events();
  });
});
