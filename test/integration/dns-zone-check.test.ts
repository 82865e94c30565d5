import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { exportZone, type RrRow } from '../../domain/hosting/dns-export.js';
import { SAMPLE_RECORDS, SAMPLE_SOA } from '../../domain/hosting/sample-zone.testkit.js';
import {
  checkRecordFits,
  parseDnsRecord,
  type DnsRecord,
  type DnsRecordInput,
} from '../../domain/hosting/dns-records.js';
import { DomainError } from '../../domain/shared/errors.js';
import { namedCheckzone } from '../support/named-checkzone.js';

const SOA = SAMPLE_SOA;
const SAMPLE = SAMPLE_RECORDS;

describe('zone files checked by BIND’s named-checkzone', () => {
  it('passes Gloux’s sample zone as exported', () => {
    const check = namedCheckzone(SOA.origin, exportZone(SOA, SAMPLE));
    expect(check.output).toContain('loaded serial 2008112001');
    expect(check.ok).toBe(true);
  });

  it('fails a CNAME beside other data, which checkRecordFits refuses first', () => {
    const a: DnsRecord = { name: 'www', type: 'A', data: '192.0.2.11', aux: 0, ttl: 3600 };
    const check = namedCheckzone(SOA.origin, exportZone(SOA, [...SAMPLE, a]));
    expect(check.ok).toBe(false);
    expect(check.output).toContain('CNAME and other data');
    const existing = SAMPLE.filter((r) => !r.name.endsWith('.')) as DnsRecord[];
    expect(() => checkRecordFits(existing, a, SOA.origin)).toThrow(DomainError);
  });

  it('shows what a target without its dot becomes, the bug the parser prevents', () => {
    const relative: RrRow = {
      name: 'mail',
      type: 'MX',
      data: 'mx.ouvaton.coop',
      aux: 10,
      ttl: 3600,
    };
    expect(exportZone(SOA, [relative])).toContain(
      'mail.example.org. 3600 IN MX 10 mx.ouvaton.coop.example.org.',
    );
    const parsed = parseDnsRecord(
      { name: 'mail', type: 'MX', value: 'mx.ouvaton.coop', priority: '10' },
      SOA.origin,
    );
    expect(exportZone(SOA, [parsed])).toContain('mail.example.org. 3600 IN MX 10 mx.ouvaton.coop.');
  });

  it('property: every zone built from accepted records passes named-checkzone', () => {
    const ipv4 = fc
      .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
      .map((t) => t.join('.'));
    const name = fc.constantFrom('', 'www', 'blog', 'mail', '*.img', 'a.b', 'WWW.example.org.');
    const host = fc.constantFrom('mx.ouvaton.coop', 'mail', '@', 'www.example.org.', 'ns.labo.net');
    const input: fc.Arbitrary<DnsRecordInput> = fc.oneof(
      fc.record({ type: fc.constant('A'), name, value: ipv4 }),
      fc.record({
        type: fc.constant('AAAA'),
        name,
        value: fc
          .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
          .map((g) => g.map((x) => x.toString(16)).join(':')),
      }),
      fc.record({ type: fc.constant('CNAME'), name, value: host }),
      fc.record({
        type: fc.constant('NS'),
        name: fc.constantFrom('labo', 'sous.zone'),
        value: host,
      }),
      fc.record({ type: fc.constant('MX'), name, value: host, priority: fc.nat(100).map(String) }),
      fc.record({
        type: fc.constant('TXT'),
        name,
        value: fc
          .string({ minLength: 1, maxLength: 60 })
          .filter((s) => /^[ -~]+$/.test(s.trim()) && s.trim() !== '""'),
      }),
      fc.record({
        type: fc.constant('SRV'),
        name: fc.constantFrom('_sip._tcp', '_xmpp._tcp.chat'),
        value: host,
        priority: fc.nat(100).map(String),
        weight: fc.nat(100).map(String),
        port: fc.integer({ min: 1, max: 65535 }).map(String),
      }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 25 }), (inputs) => {
        // Gloux's rows first: what a cooperator adds must fit beside them.
        const zone: DnsRecord[] = SAMPLE.map((r) => ({ ...r }));
        for (const i of inputs) {
          try {
            const r = parseDnsRecord(i, SOA.origin);
            checkRecordFits(zone, r, SOA.origin);
            zone.push(r);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
        }
        const check = namedCheckzone(SOA.origin, exportZone(SOA, zone));
        expect({ ok: check.ok, output: check.output }).toEqual({ ok: true, output: check.output });
      }),
      { numRuns: 40 },
    );
  });
});
