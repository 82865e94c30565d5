import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import type { DnsEvent } from './dns-events.js';
import type { DnsRecord } from './dns-records.js';
import { SAMPLE_RECORDS, SAMPLE_SOA } from './sample-zone.testkit.js';
import {
  decideAddDnsRecord,
  decideChangeDnsRecord,
  decideRemoveDnsRecord,
  evolveZone,
  foldZone,
  type ZoneContext,
  type ZoneState,
} from './zone.js';

const ORIGIN = SAMPLE_SOA.origin;
/** Gloux's sample zone as the handler seeds it (Gloux's rows as stored: ftp's name is an FQDN). */
const sample: ZoneState = {
  soaId: 1,
  origin: ORIGIN,
  records: SAMPLE_RECORDS.map(({ name, type, data, aux, ttl }) => ({ name, type, data, aux, ttl })),
};
const external: ZoneContext = { mxManaged: false };
const hosted: ZoneContext = { mxManaged: true };
const ref = { soaId: 1, origin: ORIGIN };

const add = deciderSpec({ initial: sample, evolve: evolveZone, decide: decideAddDnsRecord });
const change = deciderSpec({ initial: sample, evolve: evolveZone, decide: decideChangeDnsRecord });
const remove = deciderSpec({ initial: sample, evolve: evolveZone, decide: decideRemoveDnsRecord });

const blogA: DnsRecord = { name: 'blog', type: 'A', data: '192.0.2.30', aux: 0, ttl: 3600 };
const added = (record: DnsRecord): DnsEvent => ({
  type: 'DnsRecordAdded',
  data: { ...ref, record },
});

describe('zone: adding a record', () => {
  it('adds a record as its rr row, the target with its dot', () => {
    add
      .given()
      .when({ input: { name: 'blog', type: 'A', value: '192.0.2.30' } }, external)
      .then([added(blogA)]);
    add
      .given()
      .when(
        { input: { name: 'BLOG', type: 'mx', value: 'mx.ouvaton.coop', priority: '20' } },
        external,
      )
      .then([added({ name: 'blog', type: 'MX', data: 'mx.ouvaton.coop.', aux: 20, ttl: 3600 })]);
  });

  it('refuses a TXT of 200 bytes rather than cutting it, naming the field', () => {
    const error = add
      .given()
      .when({ input: { name: '', type: 'TXT', value: 'k'.repeat(200) } }, external)
      .thenThrows('invalid_input', 'valeur');
    expect(error.message).toContain('200 octets');
  });

  it('refuses an unknown type and an address as an MX target', () => {
    add
      .given()
      .when({ input: { name: '', type: 'CAA', value: '0 issue "x"' } }, external)
      .thenThrows('invalid_input', 'type');
    add
      .given()
      .when({ input: { name: '', type: 'MX', value: '192.0.2.1', priority: '10' } }, external)
      .thenThrows('invalid_input', 'valeur');
  });

  it('never stores a relative MX target: a dotted name is absolute, one label is in the zone', () => {
    const target = (value: string) =>
      decideAddDnsRecord(
        sample,
        { input: { name: 'x', type: 'MX', value, priority: '5' } },
        external,
      )[0]!.data.record.data;
    expect(target('mx.ouvaton.coop')).toBe('mx.ouvaton.coop.');
    expect(target('mail')).toBe('mail.example.org.');
  });

  it('keeps a CNAME alone on its name, Gloux’s FQDN names included', () => {
    // www is a CNAME in Gloux's zone.
    add
      .given()
      .when({ input: { name: 'www', type: 'TXT', value: 'hello' } }, external)
      .thenThrows('conflict', 'nom');
    // ftp.example.org. is stored as an FQDN by Gloux: the same name as `ftp`.
    add
      .given()
      .when({ input: { name: 'ftp', type: 'CNAME', value: 'www' } }, external)
      .thenThrows('conflict', 'nom');
    add
      .given(added(blogA))
      .when({ input: { name: 'blog', type: 'CNAME', value: '@' } }, external)
      .thenThrows('conflict', 'nom');
  });

  it('refuses a record already there, however it is spelled', () => {
    add
      .given()
      .when({ input: { name: 'ftp.example.org', type: 'A', value: '192.0.2.10' } }, external)
      .thenThrows('conflict');
    add
      .given(added(blogA))
      .when({ input: { name: 'blog.example.org.', type: 'A', value: '192.0.2.30' } }, external)
      .thenThrows('conflict');
  });

  it('refuses MX by hand when the domain’s mail is hosted by Ouvaton', () => {
    const error = add
      .given()
      .when({ input: { name: '', type: 'MX', value: 'mx.example.net', priority: '5' } }, hosted)
      .thenThrows('mx_managed', 'type');
    expect(error.message).toContain('hébergée par Ouvaton');
    // Other types stay the cooperator's.
    add
      .given()
      .when({ input: { name: 'blog', type: 'A', value: '192.0.2.30' } }, hosted)
      .then([added(blogA)]);
  });
});

describe('zone: changing and removing a record', () => {
  it('changes a Gloux row found by its typed key into the new record', () => {
    change
      .given()
      .when(
        {
          current: { name: 'ftp', type: 'A', data: '192.0.2.10' },
          input: { name: 'ftp', type: 'A', value: '192.0.2.11', ttl: '600' },
        },
        external,
      )
      .then([
        {
          type: 'DnsRecordChanged',
          data: {
            ...ref,
            from: { name: 'ftp.example.org.', type: 'A', data: '192.0.2.10', aux: 0, ttl: 3600 },
            to: { name: 'ftp', type: 'A', data: '192.0.2.11', aux: 0, ttl: 600 },
          },
        },
      ]);
  });

  it('records nothing when the change changes nothing', () => {
    change
      .given(added(blogA))
      .when(
        {
          current: { name: 'blog', type: 'A', data: '192.0.2.30' },
          input: { name: 'blog', type: 'A', value: '192.0.2.30', ttl: '3600' },
        },
        external,
      )
      .then([]);
  });

  it('keeps the CNAME rule on a change, the record itself set aside', () => {
    // www's CNAME may become another CNAME…
    const retarget = change
      .given()
      .when(
        {
          current: { name: 'www', type: 'CNAME', data: 'example.org.' },
          input: { name: 'www', type: 'CNAME', value: 'blog.example.net' },
        },
        external,
      )
      .events();
    expect(retarget).toHaveLength(1);
    // …but ftp's A cannot move onto www, which is a CNAME.
    change
      .given()
      .when(
        {
          current: { name: 'ftp', type: 'A', data: '192.0.2.10' },
          input: { name: 'www', type: 'A', value: '192.0.2.10' },
        },
        external,
      )
      .thenThrows('conflict', 'nom');
  });

  it('refuses to change or remove a record that is not there, or a managed MX', () => {
    remove
      .given()
      .when({ record: { name: 'nope', type: 'A', data: '192.0.2.1' } }, external)
      .thenThrows('not_found', 'valeur');
    remove
      .given()
      .when({ record: { name: '@', type: 'MX', data: 'mx.ouvaton.coop' } }, hosted)
      .thenThrows('mx_managed', 'type');
    change
      .given(added(blogA))
      .when(
        {
          current: { name: 'blog', type: 'A', data: '192.0.2.30' },
          input: { name: 'blog', type: 'MX', value: 'mx.example.net', priority: '1' },
        },
        hosted,
      )
      .thenThrows('mx_managed', 'type');
  });

  it('removes the stored row a typed key names (MX target typed without its dot)', () => {
    remove
      .given()
      .when({ record: { name: '@', type: 'MX', data: 'mx.ouvaton.coop' } }, external)
      .then([
        {
          type: 'DnsRecordRemoved',
          data: {
            ...ref,
            record: { name: '', type: 'MX', data: 'mx.ouvaton.coop.', aux: 10, ttl: 86400 },
          },
        },
      ]);
    const after = remove
      .given(added(blogA))
      .when({ record: { name: 'blog.example.org', type: 'a', data: '192.0.2.30' } }, external)
      .state();
    expect(after.records).toEqual(sample.records);
  });
});

describe('zone: folding', () => {
  it('is idempotent: an event folded over the row the mirror already wrote counts once', () => {
    const records = fc.constantFrom<DnsRecord>(
      blogA,
      { name: 'x', type: 'TXT', data: 'hello', aux: 0, ttl: 60 },
      { name: '', type: 'MX', data: 'mail.example.org.', aux: 5, ttl: 3600 },
      { name: 'y', type: 'AAAA', data: '2001:db8::1', aux: 0, ttl: 3600 },
    );
    const events = fc.array(
      fc.oneof(
        records.map((record): DnsEvent => ({ type: 'DnsRecordAdded', data: { ...ref, record } })),
        records.map((record): DnsEvent => ({ type: 'DnsRecordRemoved', data: { ...ref, record } })),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(events, (history) => {
        const once = foldZone(history, sample);
        // Replaying the whole history over its own result changes nothing.
        expect(new Set(foldZone(history, once).records)).toEqual(new Set(once.records));
        // No record is ever held twice.
        const keys = once.records.map((r) => `${r.name}|${r.type}|${r.data}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});
