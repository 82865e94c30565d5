import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import type { DnsRecord } from './dns-records.js';
import { initialHostingDomainsState } from './domains.js';
import {
  decideDomainMail,
  decideMailMx,
  mailRouting,
  mailRoutingSentence,
  OUVATON_MX_RECORD,
} from './mail-routing.js';
import { SAMPLE_RECORDS, SAMPLE_SOA } from './sample-zone.testkit.js';
import { foldZone, type ZoneState } from './zone.js';

const ORIGIN = SAMPLE_SOA.origin;
const zoneOf = (records: readonly DnsRecord[]): ZoneState => ({
  soaId: 1,
  origin: ORIGIN,
  records,
});
/** Gloux's sample zone: MX 10 mx.ouvaton.coop. */
const sample = zoneOf(
  SAMPLE_RECORDS.map(({ name, type, data, aux, ttl }) => ({ name, type, data, aux, ttl })),
);
const noMx = zoneOf(sample.records.filter((r) => r.type !== 'MX'));
const mx = (data: string, aux = 10, name = ''): DnsRecord => ({
  name,
  type: 'MX',
  data,
  aux,
  ttl: 3600,
});

describe('where a domain’s mail goes, from its zone', () => {
  it('reaches Ouvaton when the best MX points at mx.ouvaton.coop., a backup elsewhere or not', () => {
    expect(mailRouting(sample)).toEqual({ kind: 'ouvaton' });
    expect(
      mailRouting(zoneOf([...noMx.records, OUVATON_MX_RECORD, mx('backup.fai.example.', 20)])),
    ).toEqual({ kind: 'ouvaton' });
  });

  it('points elsewhere, naming the targets of the best preference (relative ones completed)', () => {
    expect(mailRouting(zoneOf([...noMx.records, mx('aspmx.l.google.com.', 1)]))).toEqual({
      kind: 'elsewhere',
      targets: ['aspmx.l.google.com'],
    });
    // A target without its dot is read as MyDNS serves it: under the zone.
    expect(mailRouting(zoneOf([mx('mail'), mx('mx.ouvaton.coop.', 20)]))).toEqual({
      kind: 'elsewhere',
      targets: ['mail.example.org'],
    });
    // Ouvaton and another at the same preference: part of the mail goes there.
    expect(mailRouting(zoneOf([OUVATON_MX_RECORD, mx('mx.fai.example.')]))).toEqual({
      kind: 'elsewhere',
      targets: ['mx.fai.example'],
    });
  });

  it('counts only the apex: an MX on a subdomain is not the domain’s', () => {
    expect(mailRouting(zoneOf([mx('mx.fai.example.', 10, 'listes')]))).toEqual({ kind: 'no_mx' });
    expect(mailRouting(noMx)).toEqual({ kind: 'no_mx' });
  });

  it('tells a zone served elsewhere what MX to set at its DNS provider', () => {
    const routing = mailRouting(null);
    expect(routing).toEqual({ kind: 'not_served', expected: 'MX 10 mx.ouvaton.coop.' });
    expect(mailRoutingSentence('café.fr', routing)).toContain('« MX 10 mx.ouvaton.coop. »');
  });

  it('says each case in French, naming the target', () => {
    expect(mailRoutingSentence('example.org', { kind: 'ouvaton' })).toContain('arrive à Ouvaton');
    expect(
      mailRoutingSentence('example.org', { kind: 'elsewhere', targets: ['aspmx.l.google.com'] }),
    ).toContain('à aspmx.l.google.com');
    expect(mailRoutingSentence('example.org', { kind: 'no_mx' })).toContain(
      'aucun enregistrement MX',
    );
  });
});

describe('Ouvaton’s MX when mail is added to a domain', () => {
  it('is written in a zone without it, once: deciding again on the result adds nothing', () => {
    const events = decideMailMx(noMx);
    expect(events).toEqual([
      {
        type: 'DnsRecordAdded',
        data: {
          soaId: 1,
          origin: ORIGIN,
          record: { name: '', type: 'MX', data: 'mx.ouvaton.coop.', aux: 10, ttl: 86400 },
        },
      },
    ]);
    expect(decideMailMx(foldZone(events, noMx))).toEqual([]);
    expect(decideMailMx(sample)).toEqual([]);
  });

  it('is not written again over Gloux’s own row written relative or as an FQDN', () => {
    expect(decideMailMx(zoneOf([{ ...OUVATON_MX_RECORD, name: 'example.org.' }]))).toEqual([]);
  });

  it('property: whatever the zone, after deciding the zone mail reaches Ouvaton unless an MX elsewhere ranks first', () => {
    const target = fc.constantFrom(
      'mx.ouvaton.coop.',
      'mx.fai.example.',
      'mail',
      'aspmx.l.google.com.',
    );
    const record = fc.record({
      name: fc.constantFrom('', 'listes'),
      type: fc.constant('MX' as const),
      data: target,
      aux: fc.integer({ min: 0, max: 30 }),
      ttl: fc.constant(3600),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), (records) => {
        const zone = zoneOf(records);
        const after = foldZone(decideMailMx(zone), zone);
        expect(decideMailMx(after)).toEqual([]);
        const routing = mailRouting(after);
        if (mailRouting(zone).kind !== 'elsewhere')
          expect(['ouvaton', 'elsewhere']).toContain(routing.kind);
        if (mailRouting(zone).kind === 'no_mx') expect(routing).toEqual({ kind: 'ouvaton' });
      }),
    );
  });
});

describe('turning the hosting of a domain’s mail on or off', () => {
  const state = (manageMx: boolean) =>
    initialHostingDomainsState([{ domain: 'example.org', manageDns: true, manageMx }]);
  const command = (hosted: boolean) => ({
    hostingId: 1,
    domain: 'example.org',
    display: 'example.org',
    hosted,
    actor: 'anne',
  });
  const changed = (manageMx: boolean) => ({
    type: 'DomainMailHostingChanged',
    data: { hostingId: 1, domain: 'example.org', manageMx, actor: 'anne' },
  });
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }
    throw new Error('not refused');
  };

  it('off, once no address is left: gere_mx off and Ouvaton’s MX removed as stored', () => {
    expect(decideDomainMail(state(true), command(false), { zone: sample, addresses: [] })).toEqual({
      hosting: [changed(false)],
      zone: [
        {
          type: 'DnsRecordRemoved',
          data: { soaId: 1, origin: ORIGIN, record: sample.records[1] },
        },
      ],
    });
    // DNS served elsewhere: only the flag.
    expect(decideDomainMail(state(true), command(false), { zone: null, addresses: [] })).toEqual({
      hosting: [changed(false)],
      zone: [],
    });
  });

  it('off is refused while an address is left, naming it', () => {
    const error = refusal(() =>
      decideDomainMail(state(true), command(false), {
        zone: sample,
        addresses: ['anne@example.org', '@example.org'],
      }),
    );
    expect(error.code).toBe('in_use');
    expect(error.message).toContain('2 adresses à Ouvaton (anne@example.org, @example.org)');
  });

  it('on: gere_mx on and the MX written; asked again, nothing', () => {
    expect(decideDomainMail(state(false), command(true), { zone: noMx, addresses: [] })).toEqual({
      hosting: [changed(true)],
      zone: decideMailMx(noMx),
    });
    expect(decideDomainMail(state(true), command(true), { zone: sample, addresses: [] })).toEqual({
      hosting: [],
      zone: [],
    });
  });

  it('on is refused over MX records sending the mail elsewhere, naming them', () => {
    const error = refusal(() =>
      decideDomainMail(state(false), command(true), {
        zone: zoneOf([mx('aspmx.l.google.com.', 1)]),
        addresses: [],
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('envoyé à aspmx.l.google.com');
  });

  it('refuses a domain the hosting does not hold', () => {
    const error = refusal(() =>
      decideDomainMail(
        state(true),
        { ...command(true), domain: 'lesamis.example', display: 'lesamis.example' },
        { zone: null, addresses: [] },
      ),
    );
    expect(error.code).toBe('not_found');
  });
});
