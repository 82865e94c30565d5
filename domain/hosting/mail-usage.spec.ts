import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decideRecordUsage, initialHostingOverageState } from '../overage/hosting-overage.js';
import { testPricing, testRules } from '../overage/overage.testkit.js';
import { KO_PER_GO, KO_PER_MO } from '../overage/pricing.js';
import { Money } from '../shared/money.js';
import {
  boxesToMeasure,
  formatKb,
  mailAccounting,
  overageReadingsOf,
  readUsageLines,
  usagePercent,
  type BoxUsage,
  type MailAccountingFacts,
} from './mail-usage.js';

const ON = '2026-03-10';
const facts = (over: Partial<MailAccountingFacts> = {}): MailAccountingFacts => ({
  diskQuotaMb: 400,
  otherDiskKb: 301_200,
  includedMailboxes: 3,
  mailboxCount: 2,
  pricing: testPricing,
  vatRate: testRules.vatRateOn(ON),
  ...over,
});
const box = (address: string, usedKb: number, quotaMb = 100): BoxUsage => ({
  address,
  domain: address.slice(address.indexOf('@') + 1),
  usedKb,
  quotaMb,
});

describe('boxesToMeasure: what may be handed to the script', () => {
  it('keeps the maildirs below the mail root, and reports the others without measuring them', () => {
    const { asked, problems } = boxesToMeasure(
      [
        { address: 'anne@example.org', maildir: '/var/mail/example.org/anne/' },
        { address: 'x@example.org', maildir: '/var/mail/../etc/' },
        { address: 'y@example.org', maildir: '/etc/passwd' },
        { address: 'z@example.org', maildir: '/var/mail/example.org/./z' },
        { address: 'w@example.org', maildir: '/var/mail/' },
        { address: 'pas une adresse', maildir: '/var/mail/example.org/v' },
        { address: 'anne@example.org', maildir: '/var/mail/example.org/anne2' },
      ],
      '/var/mail/',
    );
    expect(asked).toEqual([{ address: 'anne@example.org', maildir: '/var/mail/example.org/anne' }]);
    expect(problems).toEqual([
      {
        address: 'x@example.org',
        message: 'maildir refusé (.., . ou élément vide) : /var/mail/../etc/',
      },
      {
        address: 'y@example.org',
        message: 'maildir hors de la racine des boîtes (/var/mail) : /etc/passwd',
      },
      {
        address: 'z@example.org',
        message: 'maildir refusé (.., . ou élément vide) : /var/mail/example.org/./z',
      },
      {
        address: 'w@example.org',
        message: 'maildir hors de la racine des boîtes (/var/mail) : /var/mail/',
      },
      { address: 'pas une adresse', message: 'adresse illisible : non mesurée' },
      { address: 'anne@example.org', message: 'adresse en double dans mails : non mesurée' },
    ]);
  });
});

describe('readUsageLines: the script’s answer', () => {
  const asked = ['a@x.org', 'b@x.org', 'c@x.org'];

  it('takes whole ko for boxes asked about, a missing maildir as 0, and reports every other line', () => {
    const out = [
      '{"address":"a@x.org","kb":3145728}',
      '{"address":"b@x.org","kb":0,"missing":true,"message":"maildir absent : /var/mail/x.org/b"}',
      '{"address":"c@x.org","status":"error","message":"refusé : lien symbolique"}',
      'du: cannot access',
      '{"address":"z@x.org","kb":1}',
      '',
    ].join('\n');
    expect(readUsageLines(out, asked)).toEqual({
      measured: [
        { address: 'a@x.org', kb: 3_145_728, missing: false },
        { address: 'b@x.org', kb: 0, missing: true },
      ],
      problems: [
        { address: 'c@x.org', message: 'refusé : lien symbolique' },
        { address: null, message: 'ligne illisible : du: cannot access' },
        { address: null, message: 'adresse non demandée : {"address":"z@x.org","kb":1}' },
      ],
    });
  });

  it('never guesses a size: negative, decimal, text or absent figures and a box answered twice get none', () => {
    for (const kb of ['-1', '1.5', '"12"', 'null', '1e400']) {
      const r = readUsageLines(`{"address":"a@x.org","kb":${kb}}`, ['a@x.org']);
      expect(r.measured).toEqual([]);
      expect(r.problems).toEqual([
        { address: 'a@x.org', message: `taille illisible : {"address":"a@x.org","kb":${kb}}` },
      ]);
    }
    const twice = readUsageLines(
      '{"address":"a@x.org","kb":1}\n{"address":"a@x.org","kb":2}\n{"address":"a@x.org","kb":3}',
      ['a@x.org'],
    );
    expect(twice).toEqual({
      measured: [],
      problems: [{ address: 'a@x.org', message: 'mesurée deux fois : aucune valeur retenue' }],
    });
  });

  it('reports a box left unanswered and the script’s own failure', () => {
    expect(
      readUsageLines('{"status":"error","message":"racine des boîtes absente : /srv"}', [
        'a@x.org',
      ]),
    ).toEqual({
      measured: [],
      problems: [
        { address: null, message: 'le script a échoué : racine des boîtes absente : /srv' },
        { address: 'a@x.org', message: 'aucune mesure rendue par le script' },
      ],
    });
  });

  it('property: every box asked about is either measured once or reported, never both', () => {
    const line = fc.oneof(
      fc
        .record({ i: fc.nat(3), kb: fc.oneof(fc.nat(), fc.integer(), fc.double()) })
        .map(({ i, kb }) => JSON.stringify({ address: `b${i}@x.org`, kb })),
      fc
        .record({ i: fc.nat(3) })
        .map(({ i }) =>
          JSON.stringify({ address: `b${i}@x.org`, status: 'error', message: 'non' }),
        ),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const wanted = ['b0@x.org', 'b1@x.org', 'b2@x.org'];
        const { measured, problems } = readUsageLines(lines.join('\n'), wanted);
        for (const a of wanted) {
          const m = measured.filter((b) => b.address === a).length;
          const p = problems.filter((b) => b.address === a).length;
          expect(m + Math.min(p, 1)).toBe(1);
          if (m === 1) expect(p).toBe(0);
        }
        for (const b of measured) expect(Number.isSafeInteger(b.kb) && b.kb >= 0).toBe(true);
      }),
    );
  });
});

describe('mailAccounting: the synthesis of a hosting’s mail', () => {
  it('given boxes on two domains, totals per domain and overall, with each box’s share of its quota', () => {
    const a = mailAccounting(
      [
        box('anne@example.org', 21_000),
        box('contact@example.org', 110 * KO_PER_MO, 100),
        box('info@café.example', 3 * KO_PER_GO, 0),
      ],
      facts({ mailboxCount: 3 }),
    );
    expect(a.boxes.map((b) => [b.address, b.usedKb, b.quotaMb, b.percent, b.over])).toEqual([
      ['info@café.example', 3 * KO_PER_GO, null, null, false],
      ['anne@example.org', 21_000, 100, '20.5', false],
      ['contact@example.org', 112_640, 100, '110.0', true],
    ]);
    expect(a.domains).toEqual([
      { domain: 'café.example', boxes: 1, usedKb: 3_145_728, quotaMb: null, percent: null },
      { domain: 'example.org', boxes: 2, usedKb: 133_640, quotaMb: 200, percent: '65.3' },
    ]);
    expect(a.total).toEqual({ boxes: 3, usedKb: 3_279_368, quotaMb: null, percent: null });
  });

  it('when the hosting’s disk (web + MySQL + mail) is over its plan and options, estimates a month of it at the overage price', () => {
    // 301 200 ko of web and MySQL + 120 688 ko of mail = 412 Mo for 400 Mo included.
    const a = mailAccounting([box('anne@example.org', 120_688)], facts());
    expect(a.disk).toEqual({
      measured: 421_888,
      included: 409_600,
      excess: 12_288,
      mailKb: 120_688,
      otherKb: 301_200,
      estimate: { quantity: '1', unitNet: '0.4183', net: '0.42', vatRate: '20', total: '0.50' },
    });
    expect(a.mailboxes).toMatchObject({ measured: 2, included: 3, excess: 0 });
    expect(a.mailboxes?.estimate.net).toBe('0.00');
    expect(a.estimate).toEqual({ net: '0.42', total: '0.50' });
  });

  it('adds the boxes beyond the allowance; no disk reading or no quota: no disk estimate', () => {
    const a = mailAccounting(
      [box('a@x.org', 10), box('b@x.org', 10)],
      facts({ otherDiskKb: null, includedMailboxes: 1, mailboxCount: 4 }),
    );
    expect(a.disk).toBeNull();
    expect(a.mailboxes?.estimate).toEqual({
      quantity: '3',
      unitNet: '0.10',
      net: '0.30',
      vatRate: '20',
      total: '0.36',
    });
    expect(a.estimate).toEqual({ net: '0.30', total: '0.36' });
    const unset = mailAccounting([], facts({ diskQuotaMb: 0, includedMailboxes: 0 }));
    expect([unset.disk, unset.mailboxes, unset.estimate]).toEqual([
      null,
      null,
      { net: '0.00', total: '0.00' },
    ]);
  });

  it('property: the estimate is what the overage run decides for the same readings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ used: fc.nat(5 * KO_PER_GO), quota: fc.nat(2000) }), {
          maxLength: 8,
        }),
        fc.nat(2000),
        fc.option(fc.nat(KO_PER_GO), { nil: null }),
        fc.nat(30),
        fc.nat(30),
        (boxes, diskQuotaMb, otherDiskKb, includedMailboxes, extra) => {
          const lines = boxes.map((b, i) => box(`b${i}@x.org`, b.used, b.quota));
          const f = facts({
            diskQuotaMb,
            otherDiskKb,
            includedMailboxes,
            mailboxCount: lines.length + extra,
          });
          const a = mailAccounting(lines, f);
          const readings = overageReadingsOf(a.total.usedKb, f);
          const events = decideRecordUsage(
            initialHostingOverageState,
            { hostingId: '7', customerId: '3', hostingName: 'webcoop', on: ON, readings },
            testRules,
          );
          const decided = new Map(
            events.flatMap((e) =>
              e.type === 'OverageDetected' ? [[e.data.resource, e.data.estimate] as const] : [],
            ),
          );
          for (const [resource, line] of [
            ['disk', a.disk],
            ['mail', a.mailboxes],
          ] as const) {
            if (line === null) expect(decided.has(resource)).toBe(false);
            else if (line.excess === 0) expect(decided.has(resource)).toBe(false);
            else expect(decided.get(resource)).toEqual(line.estimate);
          }
          const billed = Money.sum([...decided.values()].map((e) => Money.of(e.total)));
          expect(a.estimate.total).toBe(billed.toString());
          expect(a.domains.reduce((s, d) => s + d.usedKb, 0)).toBe(a.total.usedKb);
          expect(a.boxes.reduce((s, d) => s + d.usedKb, 0)).toBe(a.total.usedKb);
        },
      ),
    );
  });
});

describe('figures for a person', () => {
  it('percent with one decimal, sizes in ko, Mo or Go', () => {
    expect([usagePercent(512, 1), usagePercent(1, 0), usagePercent(1, null)]).toEqual([
      '50.0',
      null,
      null,
    ]);
    expect([formatKb(0), formatKb(1023), formatKb(1536), formatKb(3 * KO_PER_GO)]).toEqual([
      '0 ko',
      '1023 ko',
      '1,5 Mo',
      '3,0 Go',
    ]);
  });
});
