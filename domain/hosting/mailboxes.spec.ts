import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import { DomainError } from '../shared/errors.js';
import type { MailboxCreated, MailboxEvent } from './mailbox-events.js';
import {
  AUTO_REPLY_MAX,
  decideCancelMailboxDeletion,
  decideChangeMailboxAccess,
  decideChangeMailboxAutoReply,
  decideChangeMailboxPassword,
  decideChangeMailboxQuota,
  decideCreateMailbox,
  decideRequestMailboxDeletion,
  evolveMailboxes,
  foldMailboxes,
  initialMailboxesState,
  MAILBOX_DEFAULT_QUOTA_MB,
  mailboxOverage,
  mailboxOverageText,
  maildirOf,
  parseAutoReply,
  parseMailAddress,
  parseMailboxQuota,
  parseMailPassword,
  type CreateMailboxContext,
  type MailboxesState,
  type MailHostingFacts,
} from './mailboxes.js';

/** What node:url's domainToASCII gives for the names used here ('' for any other). */
const toAscii = (d: string) => (d.toLowerCase() === 'café.fr' ? 'xn--caf-dma.fr' : '');
const parse = (raw: string) => parseMailAddress(raw, toAscii);
const refusedField = (run: () => unknown): { code: string; field?: string; message: string } => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    return { code: e.code, field: e.field, message: e.message };
  }
  throw new Error('expected a refusal');
};

const hosting: MailHostingFacts = {
  hostingId: 1,
  closed: false,
  domains: [
    { domainId: 11, domain: 'example.org', manageMx: true },
    { domainId: 12, domain: 'xn--caf-dma.fr', manageMx: true },
    { domainId: 13, domain: 'ailleurs.fr', manageMx: false },
  ],
};
const ctx = (over: Partial<CreateMailboxContext> = {}): CreateMailboxContext => ({
  hosting,
  actor: 'user:7',
  mailboxId: 'box-1',
  mailRoot: '/var/mail',
  takenInGloux: null,
  pendingElsewhere: null,
  ...over,
});
const created = (address = 'anne@example.org', mailboxId = 'box-1'): MailboxCreated => ({
  type: 'MailboxCreated',
  data: {
    hostingId: 1,
    mailboxId,
    address,
    domainId: 11,
    quotaMb: 1024,
    pop: true,
    imap: true,
    actor: 'user:7',
  },
});
const ids = { hostingId: 1, mailboxId: 'box-1', address: 'anne@example.org' };
const change = { hosting, actor: 'user:7' };
const mailSpec = <C, X, E extends MailboxEvent>(
  decide: (s: MailboxesState, c: C, x: X) => readonly E[],
) =>
  deciderSpec<MailboxesState, C, X, MailboxEvent>({
    initial: initialMailboxesState,
    evolve: evolveMailboxes,
    decide,
  });
const requested: MailboxEvent = {
  type: 'MailboxDeletionRequested',
  data: { ...ids, purgeAfter: '2026-12-14', reason: 'requested', actor: 'user:7' },
};

describe('parseMailAddress', () => {
  it('lower-cases an address and says so', () => {
    expect(parse('Anne.Lefevre@Example.ORG')).toEqual({
      address: 'anne.lefevre@example.org',
      local: 'anne.lefevre',
      domain: 'example.org',
      lowered: true,
    });
    expect(parse('  anne@example.org ').lowered).toBe(false);
  });

  it('stores a Unicode domain in punycode', () => {
    expect(parse('contact@café.fr').address).toBe('contact@xn--caf-dma.fr');
    expect(parse('contact@CAFÉ.fr')).toMatchObject({
      address: 'contact@xn--caf-dma.fr',
      lowered: true,
    });
  });

  it.each([
    ['anne marie@example.org', 'espace'],
    ['"anne"@example.org', 'guillemet'],
    ['a|b@example.org', 'barre verticale'],
    ['a/b@example.org', '/'],
    ['rené@example.org', 'sans accent'],
    ['anne@@example.org', 'nom@domaine'],
    ['anne', 'nom@domaine'],
    ['.anne@example.org', 'points'],
    ['an..ne@example.org', 'points'],
    ['anne@exa_mple.org', 'domaine'],
    [`${'a'.repeat(65)}@example.org`, '64 caractères'],
    [
      `${'a'.repeat(10)}@${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.org`,
      '255',
    ],
    ['', 'vide'],
  ])('refuses %s in French', (raw, words) => {
    const refused = refusedField(() => parse(raw));
    expect([refused.code, refused.field]).toEqual(['invalid_input', 'adresse']);
    expect(refused.message).toContain(words);
  });

  it('property: what it accepts is lower-case ASCII within the limits, and parsing it again changes nothing', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        let parsed;
        try {
          parsed = parse(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          return;
        }
        expect(parsed.address).toMatch(/^[\x21-\x7e]+$/);
        expect(parsed.address).toBe(parsed.address.toLowerCase());
        expect(parsed.local.length).toBeLessThanOrEqual(64);
        expect(parsed.address.length).toBeLessThanOrEqual(255);
        expect(parsed.address).not.toMatch(/["'|/\\\s]/);
        expect(parse(parsed.address)).toEqual({ ...parsed, lowered: false });
      }),
    );
  });
});

describe('quota, password, auto-reply', () => {
  it('takes a whole number of Mo from 1 to 100 Go', () => {
    expect(parseMailboxQuota('250')).toBe(250);
    expect(parseMailboxQuota(1)).toBe(1);
    for (const bad of ['0', '-5', -1, '1.5', 'beaucoup', '102401', ''])
      expect(refusedField(() => parseMailboxQuota(bad))).toMatchObject({
        code: 'invalid_input',
        field: 'quota_mo',
      });
    expect(refusedField(() => parseMailboxQuota('0')).message).toContain('au moins 1 Mo');
    expect(refusedField(() => parseMailboxQuota('-5')).message).toContain('négatif');
  });

  it('takes a printable password of 8 to 128 characters', () => {
    expect(parseMailPassword('un-secret')).toBe('un-secret');
    expect(refusedField(() => parseMailPassword('court')).field).toBe('mot_de_passe');
    expect(refusedField(() => parseMailPassword('x'.repeat(129))).code).toBe('invalid_input');
    expect(refusedField(() => parseMailPassword('avec\u0000nul')).message).toContain('contrôle');
  });

  it('keeps an auto-reply’s lines, turns a blank one off, refuses control characters and length', () => {
    expect(parseAutoReply('  Absente.\r\nRetour lundi — merci ! ')).toBe(
      'Absente.\nRetour lundi — merci !',
    );
    expect(parseAutoReply('   ')).toBeNull();
    expect(parseAutoReply(null)).toBeNull();
    expect(refusedField(() => parseAutoReply('a\u0007b')).field).toBe('repondeur');
    expect(parseAutoReply('é'.repeat(AUTO_REPLY_MAX))).toHaveLength(AUTO_REPLY_MAX);
    expect(refusedField(() => parseAutoReply('é'.repeat(AUTO_REPLY_MAX + 1))).message).toContain(
      `${AUTO_REPLY_MAX} caractères`,
    );
  });

  it('places the maildir as Gloux’s sample row', () => {
    expect(maildirOf('/var/mail', 'anne@example.org')).toBe('/var/mail/example.org/anne/');
  });
});

describe('create', () => {
  const spec = mailSpec(decideCreateMailbox);
  const command = (address = 'anne@example.org', over: object = {}) => ({
    address: parse(address),
    password: 'un-secret-solide',
    ...over,
  });

  it('creates a box on a domain of the hosting whose mail is hosted here, default quota', () => {
    spec.given().when(command(), ctx()).then([created()]);
    expect(MAILBOX_DEFAULT_QUOTA_MB).toBe(1024);
    const decided = spec
      .given()
      .when(command('contact@café.fr', { quotaMb: '200', pop: false }), ctx())
      .events();
    expect(decided[0]!.data).toMatchObject({
      address: 'contact@xn--caf-dma.fr',
      domainId: 12,
      quotaMb: 200,
      pop: false,
      imap: true,
    });
  });

  it('refuses a domain not the hosting’s, or whose mail is elsewhere', () => {
    expect(
      spec.given().when(command('a@autre.fr'), ctx()).thenThrows('invalid_input', 'adresse')
        .message,
    ).toContain('n’est pas un domaine de cet hébergement');
    expect(
      spec.given().when(command('a@ailleurs.fr'), ctx()).thenThrows('invalid_input', 'adresse')
        .message,
    ).toContain('pas hébergé à Ouvaton');
  });

  it('refuses an address taken here, in Gloux, or waiting for its purge (with the date)', () => {
    spec
      .given(created())
      .when(command(), ctx({ mailboxId: 'box-2' }))
      .thenThrows('name_taken', 'adresse');
    spec
      .given()
      .when(command(), ctx({ takenInGloux: { hostingId: 2 } }))
      .thenThrows('name_taken');
    expect(
      spec
        .given(created(), requested)
        .when(command(), ctx({ mailboxId: 'box-2' }))
        .thenThrows('name_taken').message,
    ).toContain('purge prévue le 14/12/2026');
    expect(
      spec
        .given()
        .when(command(), ctx({ pendingElsewhere: { purgeAfter: '2026-12-20' } }))
        .thenThrows('name_taken').message,
    ).toContain('20/12/2026');
    const purging: MailboxEvent = { type: 'MailboxPurgeStarted', data: { ...ids, actor: 'purge' } };
    expect(
      spec
        .given(created(), requested, purging)
        .when(command(), ctx({ mailboxId: 'box-2' }))
        .thenThrows('name_taken').message,
    ).toContain('en cours de purge');
  });

  it('is free again once purged', () => {
    const purged: MailboxEvent = { type: 'MailboxPurged', data: { ...ids, actor: 'purge' } };
    spec
      .given(created(), requested, purged)
      .when(command(), ctx({ mailboxId: 'box-2' }))
      .then([created('anne@example.org', 'box-2')]);
  });

  it('refuses a bad quota or password, a maildir beyond 255, a closed hosting', () => {
    spec
      .given()
      .when(command('a@example.org', { quotaMb: '0' }), ctx())
      .thenThrows('invalid_input', 'quota_mo');
    spec
      .given()
      .when(command('a@example.org', { quotaMb: -3 }), ctx())
      .thenThrows('invalid_input', 'quota_mo');
    spec
      .given()
      .when({ ...command(), password: 'court' }, ctx())
      .thenThrows('invalid_input', 'mot_de_passe');
    spec
      .given()
      .when(command(), ctx({ mailRoot: `/${'m'.repeat(240)}` }))
      .thenThrows('invalid_input', 'adresse');
    spec
      .given()
      .when(command(), ctx({ hosting: { ...hosting, closed: true } }))
      .thenThrows('account_closed');
  });
});

describe('changes', () => {
  it('changes the password without any secret in the event', () => {
    mailSpec(decideChangeMailboxPassword)
      .given(created())
      .when({ address: 'anne@example.org', password: 'nouveau-secret' }, change)
      .then([{ type: 'MailboxPasswordChanged', data: { ...ids, actor: 'user:7' } }]);
  });

  it('changes quota, access and auto-reply; the same value again records nothing', () => {
    const quota = mailSpec(decideChangeMailboxQuota).given(created());
    quota
      .when({ address: 'anne@example.org', quotaMb: '2048' }, change)
      .then([{ type: 'MailboxQuotaChanged', data: { ...ids, quotaMb: 2048, actor: 'user:7' } }]);
    quota.when({ address: 'anne@example.org', quotaMb: 1024 }, change).then([]);
    quota
      .when({ address: 'anne@example.org', quotaMb: '0' }, change)
      .thenThrows('invalid_input', 'quota_mo');
    const access = mailSpec(decideChangeMailboxAccess).given(created());
    access
      .when({ address: 'anne@example.org', pop: false, imap: true }, change)
      .then([
        { type: 'MailboxAccessChanged', data: { ...ids, pop: false, imap: true, actor: 'user:7' } },
      ]);
    access.when({ address: 'anne@example.org', pop: true, imap: true }, change).then([]);
    const reply = mailSpec(decideChangeMailboxAutoReply).given(created());
    reply
      .when({ address: 'anne@example.org', message: 'Absente' }, change)
      .then([
        { type: 'MailboxAutoReplyChanged', data: { ...ids, message: 'Absente', actor: 'user:7' } },
      ]);
    reply.when({ address: 'anne@example.org', message: ' ' }, change).then([]);
    mailSpec(decideChangeMailboxQuota)
      .given()
      .when({ address: 'x@example.org', quotaMb: 5 }, change)
      .thenThrows('not_found', 'adresse');
  });

  it('refuses changes to a box waiting for its purge', () => {
    mailSpec(decideChangeMailboxPassword)
      .given(created(), requested)
      .when({ address: 'anne@example.org', password: 'nouveau-secret' }, change)
      .thenThrows('conflict', 'adresse');
  });
});

describe('deferred deletion', () => {
  const when = { ...change, today: '2026-12-07', deletionDays: 7 };

  it('requests the deletion with purgeAfter = today + MAIL_DELETION_DAYS', () => {
    mailSpec(decideRequestMailboxDeletion)
      .given(created())
      .when({ address: 'anne@example.org', reason: 'requested' }, when)
      .then([requested]);
    mailSpec(decideRequestMailboxDeletion)
      .given(created())
      .when(
        { address: 'anne@example.org', reason: 'hosting_closed' },
        { ...when, deletionDays: 30 },
      )
      .events()
      .forEach((e) =>
        expect(e.data).toMatchObject({ purgeAfter: '2027-01-06', reason: 'hosting_closed' }),
      );
    mailSpec(decideRequestMailboxDeletion)
      .given(created(), requested)
      .when({ address: 'anne@example.org', reason: 'requested' }, when)
      .thenThrows('conflict');
  });

  it('cancels a pending deletion, never once the purge started', () => {
    const cancel = mailSpec(decideCancelMailboxDeletion);
    const state = cancel
      .given(created(), requested)
      .when({ address: 'anne@example.org' }, change)
      .then([{ type: 'MailboxDeletionCancelled', data: { ...ids, actor: 'user:7' } }])
      .state();
    expect(state.boxes.get('anne@example.org')).toMatchObject({
      status: 'active',
      purgeAfter: null,
    });
    cancel.given(created()).when({ address: 'anne@example.org' }, change).thenThrows('conflict');
    const purging: MailboxEvent = { type: 'MailboxPurgeStarted', data: { ...ids, actor: 'purge' } };
    expect(
      cancel
        .given(created(), requested, purging)
        .when({ address: 'anne@example.org' }, change)
        .thenThrows('conflict').message,
    ).toContain('a commencé');
  });

  it('folds a box’s life', () => {
    const state = foldMailboxes([created(), requested]);
    expect(state.boxes.get('anne@example.org')).toMatchObject({
      status: 'deletion_pending',
      purgeAfter: '2026-12-14',
    });
    expect(
      foldMailboxes([{ type: 'MailboxPurged', data: { ...ids, actor: 'x' } }], state).boxes.size,
    ).toBe(0);
  });
});

describe('boxes beyond the allowance', () => {
  const price = { unitNet: '1.0000', blockSize: 1, productId: null };

  it('is announced with its price, as the overage run bills it; nothing within it or without one', () => {
    expect(mailboxOverage(3, 3, price, '20.00')).toBeNull();
    expect(mailboxOverage(9, 0, price, '20.00')).toBeNull();
    const over = mailboxOverage(5, 3, price, '20.00')!;
    expect(over).toEqual({
      included: 3,
      boxes: 5,
      monthly: { quantity: '2', unitNet: '1.0000', net: '2.00', vatRate: '20.00', total: '2.40' },
    });
    expect(mailboxOverageText(over)).toBe(
      'Au-delà des 3 boîtes incluses dans l’offre, les 2 boîtes supplémentaires sont facturées 2,00\u00a0€ HT par mois (2,40\u00a0€ TTC), avec les dépassements.',
    );
  });
});
