import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import { parseDomainName, parseRecordName, parseTargetHost } from './dns-names.js';
import {
  checkRecordFits,
  parseDnsRecord,
  parseIpv6,
  parseTxt,
  type DnsRecord,
  type DnsRecordInput,
} from './dns-records.js';
import { exportZone } from './dns-export.js';
import { SAMPLE_RECORDS, SAMPLE_SOA } from './sample-zone.testkit.js';
import { nextSerial, serialFloor } from './zone-serial.js';

const ORIGIN = 'example.org.';
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message, field: e.field };
    throw e;
  }
  throw new Error('accepted');
};
const rec = (input: Partial<DnsRecordInput> & Pick<DnsRecordInput, 'type' | 'value'>) =>
  parseDnsRecord({ name: '', ...input }, ORIGIN);

describe('DNS names', () => {
  it('takes a domain in lower case without its dot, and refuses what is not one', () => {
    expect(parseDomainName(' Example.ORG. ')).toBe('example.org');
    expect(parseDomainName('xn--caf-dma.fr')).toBe('xn--caf-dma.fr');
    for (const bad of ['example', 'exa mple.org', '-a.org', 'a..org', 'a_b.org', 'é.fr', 'a.1'])
      expect(refusal(() => parseDomainName(bad)).code).toBe('invalid_input');
  });

  it('makes record names relative to the zone and keeps them within rr.name', () => {
    expect(parseRecordName('@', ORIGIN)).toBe('');
    expect(parseRecordName('example.org.', ORIGIN)).toBe('');
    expect(parseRecordName('WWW', ORIGIN)).toBe('www');
    expect(parseRecordName('www.example.org', ORIGIN)).toBe('www');
    expect(parseRecordName('blog.example.org.', ORIGIN)).toBe('blog');
    expect(parseRecordName('*.blog', ORIGIN)).toBe('*.blog');
    expect(parseRecordName('_sip._tcp', ORIGIN)).toBe('_sip._tcp');
    expect(refusal(() => parseRecordName('www.other.org.', ORIGIN)).message).toBe(
      'Le nom www.other.org. n’est pas dans la zone example.org.',
    );
    expect(refusal(() => parseRecordName('a.*', ORIGIN)).code).toBe('invalid_input');
    expect(refusal(() => parseRecordName('a'.repeat(65), ORIGIN)).code).toBe('invalid_input');
  });

  it('writes every target as an FQDN with its dot (MyDNS would append the zone)', () => {
    expect(parseTargetHost('mx.ouvaton.coop', ORIGIN)).toBe('mx.ouvaton.coop.');
    expect(parseTargetHost('mx.ouvaton.coop.', ORIGIN)).toBe('mx.ouvaton.coop.');
    expect(parseTargetHost('mail', ORIGIN)).toBe('mail.example.org.');
    expect(parseTargetHost('@', ORIGIN)).toBe('example.org.');
  });
});

describe('DNS records', () => {
  it('reads each type into its rr row', () => {
    expect(rec({ type: 'a', value: '192.0.2.10', name: 'www' })).toEqual({
      name: 'www',
      type: 'A',
      data: '192.0.2.10',
      aux: 0,
      ttl: 3600,
    });
    expect(rec({ type: 'AAAA', value: '2001:DB8:0:0:0:0:0:10' }).data).toBe('2001:db8::10');
    expect(rec({ type: 'MX', value: 'mx.ouvaton.coop', priority: '10' })).toMatchObject({
      data: 'mx.ouvaton.coop.',
      aux: 10,
    });
    expect(rec({ type: 'TXT', value: '"v=spf1 a mx ~all"', ttl: '300' })).toMatchObject({
      data: 'v=spf1 a mx ~all',
      ttl: 300,
    });
    expect(
      rec({
        type: 'SRV',
        name: '_sip._tcp',
        value: 'sip.example.org',
        priority: '10',
        weight: '5',
        port: '5060',
      }),
    ).toMatchObject({ data: '5 5060 sip.example.org.', aux: 10 });
    expect(rec({ type: 'NS', name: 'labo', value: 'ns.labo.net' }).data).toBe('ns.labo.net.');
  });

  it('refuses, in French, what MyDNS would store wrong', () => {
    expect(refusal(() => rec({ type: 'CAA', value: '0 issue "x"' }))).toEqual({
      code: 'invalid_input',
      field: 'type',
      message:
        'Type d’enregistrement non géré : « CAA » (types possibles : A, AAAA, CNAME, MX, TXT, SRV, NS).',
    });
    expect(refusal(() => rec({ type: 'CNAME', value: 'ailleurs.net' })).field).toBe('nom');
    const dkim = `v=DKIM1; k=rsa; p=${'A'.repeat(200)}`;
    expect(refusal(() => rec({ type: 'TXT', name: 'x._domainkey', value: dkim })).message).toBe(
      `Le texte fait ${dkim.length} octets ; la table des zones en garde 128 au plus, et un texte plus long serait coupé. Pour une clé DKIM, utilisez une clé de 1024 bits.`,
    );
    expect(refusal(() => rec({ type: 'A', value: '192.168.01.1' })).code).toBe('invalid_input');
    expect(refusal(() => rec({ type: 'A', value: '256.1.1.1' })).code).toBe('invalid_input');
    expect(refusal(() => rec({ type: 'AAAA', value: '2001:db8::1::2' })).code).toBe(
      'invalid_input',
    );
    expect(refusal(() => rec({ type: 'MX', value: 'mx.ouvaton.coop' })).field).toBe('priorite');
    expect(refusal(() => rec({ type: 'A', value: '192.0.2.1', ttl: '5' })).field).toBe('ttl');
    expect(
      refusal(() => rec({ type: 'SRV', name: 'sip', value: 'x.org', priority: '1' })).field,
    ).toBe('nom');
    expect(refusal(() => parseTxt('deux\nlignes')).code).toBe('invalid_input');
  });

  it('keeps a CNAME alone on its name, and a row once', () => {
    const zone: DnsRecord[] = [
      rec({ type: 'A', name: 'www', value: '192.0.2.10' }),
      rec({ type: 'CNAME', name: 'blog', value: 'www' }),
    ];
    expect(
      refusal(() => checkRecordFits(zone, rec({ type: 'CNAME', name: 'www', value: '@' }), ORIGIN))
        .message,
    ).toBe(
      'www.example.org. porte déjà d’autres enregistrements (A) : un alias CNAME doit y être seul.',
    );
    expect(
      refusal(() => checkRecordFits(zone, rec({ type: 'TXT', name: 'blog', value: 'x' }), ORIGIN))
        .message,
    ).toBe(
      'blog.example.org. est un alias (CNAME) : il ne peut pas porter d’autre enregistrement.',
    );
    expect(
      refusal(() =>
        checkRecordFits(zone, rec({ type: 'A', name: 'www', value: '192.0.2.10' }), ORIGIN),
      ).code,
    ).toBe('conflict');
    expect(() =>
      checkRecordFits(zone, rec({ type: 'A', name: 'www', value: '192.0.2.11' }), ORIGIN),
    ).not.toThrow();
  });

  it('property: an IPv6 address, written long or short, reads to one canonical form', () => {
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        const canonical = parseIpv6(full);
        expect(parseIpv6(canonical)).toBe(canonical);
        expect(parseIpv6(groups.map((g) => g.toString(16).toUpperCase()).join(':'))).toBe(
          canonical,
        );
        expect(canonical.split('::').length).toBeLessThanOrEqual(2);
        expect(canonical).not.toMatch(/(^|:)0[0-9a-f]/);
        // Expanding the :: again gives back the eight groups.
        const [head = '', tail] = canonical.split('::');
        const left = head === '' ? [] : head.split(':');
        const right = tail === undefined || tail === '' ? [] : tail.split(':');
        const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
        expect([...left, ...zeros, ...right].map((g) => parseInt(g, 16))).toEqual(groups);
      }),
    );
  });

  it('property: a record parsed once parses again to the same row', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'www', 'blog', '*.img'),
        fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)),
        fc.integer({ min: 60, max: 604_800 }),
        (name, ip, ttl) => {
          const r = rec({ type: 'A', name, value: ip.join('.'), ttl: String(ttl) });
          expect(rec({ type: r.type, name: r.name, value: r.data, ttl: String(r.ttl) })).toEqual(r);
        },
      ),
    );
  });
});

describe('the SOA serial', () => {
  it('moves to today’s YYYYMMDD00, or one up, never down', () => {
    expect(serialFloor('2026-12-07')).toBe(2026120700);
    expect(nextSerial(2008112001, '2026-12-07')).toBe(2026120700);
    expect(nextSerial(2026120700, '2026-12-07')).toBe(2026120701);
    expect(nextSerial(2026120799, '2026-12-07')).toBe(2026120800);
    expect(nextSerial(1765000000, '2026-12-07')).toBe(2026120700);
  });

  it('property: the serial only grows, and never falls below the day’s floor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4_000_000_000 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (serial, date) => {
          const day = date.toISOString().slice(0, 10);
          const next = nextSerial(serial, day);
          expect(next).toBeGreaterThan(serial);
          expect(next).toBeGreaterThanOrEqual(serialFloor(day));
        },
      ),
    );
  });
});

describe('the zone file', () => {
  it('writes the sample zone as MyDNS serves it', () => {
    const zone = exportZone(SAMPLE_SOA, [
      ...SAMPLE_RECORDS,
      { name: 'old', type: 'A', data: '192.0.2.99', aux: 0, ttl: 3600, active: 'N' },
    ]);
    expect(zone).toBe(
      [
        '$ORIGIN example.org.',
        'example.org. 86400 IN SOA ns1.ouvaton.coop. hostmaster.ouvaton.coop. ( 2008112001 28800 7200 604800 86400 )',
        'example.org. 3600 IN A 192.0.2.10',
        'example.org. 86400 IN MX 10 mx.ouvaton.coop.',
        'example.org. 86400 IN NS ns1.ouvaton.coop.',
        'example.org. 3600 IN TXT "v=spf1 a mx ~all"',
        'ftp.example.org. 3600 IN A 192.0.2.10',
        'www.example.org. 3600 IN CNAME example.org.',
        '',
      ].join('\n'),
    );
  });
});
