import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import type { DnsEvent } from '../../domain/hosting/dns-events.js';
import { nextSerial } from '../../domain/hosting/zone-serial.js';
import { DomainError } from '../../domain/shared/errors.js';
import { LegacyHostingMirror } from '../../legacy-sync/legacy-hosting-mirror.js';
import { mirrorDnsEvent, readLegacyZone } from '../../legacy-sync/legacy-zones.js';
import type { AuthUser } from '../../src/auth/auth-user.js';
import { readStream } from '../../src/kernel/event-store/event-store.js';
import {
  AddDnsRecordCommand,
  ChangeDnsRecordCommand,
  RemoveDnsRecordCommand,
  type DnsChangeResult,
} from '../../src/hosting/dns/dns.commands.js';
import type { DnsRecordInput } from '../../domain/hosting/dns-records.js';
import type { DnsRecordKey } from '../../domain/hosting/zone.js';
import type { AppHarness } from '../support/app-harness.js';
import { dialects } from '../support/databases.js';
import { useGlouxSample } from '../support/legacy-ingest-setup.js';
import { checkServedZone } from '../support/named-checkzone.js';

jest.setTimeout(90_000);

const cooperator = (customerId: string): AuthUser => ({
  userId: `u${customerId}`,
  login: `coop${customerId}`,
  admin: false,
  treasurer: false,
  cooperator: true,
  tiersId: customerId,
  customerIds: [customerId],
});
/** Anne Lefèvre: customer 1 holds hosting 1, whose domain is example.org (zone 1). */
const anne = cooperator('1');
/** Customer 2 holds lesamis.example, not example.org. */
const other = cooperator('2');

/**
 * Issue 18, DNS records: a command on the zone stream reaches Gloux's `rr` through the hosting
 * mirror, exactly as MyDNS reads it, then bumps the SOA serial once; refusals write nothing;
 * every zone written passes named-checkzone.
 */
describe.each(dialects)('DNS records of a zone on %s', (dialect) => {
  const sample = useGlouxSample(dialect);
  let app: AppHarness;
  beforeAll(() => void (app = sample().app));

  const bus = () => app.context.get(CommandBus);
  const add = (input: DnsRecordInput, user = anne, domain = 'example.org') =>
    bus().execute<AddDnsRecordCommand, DnsChangeResult>(
      new AddDnsRecordCommand(user, domain, input),
    );
  const change = (current: DnsRecordKey, input: DnsRecordInput, user = anne) =>
    bus().execute<ChangeDnsRecordCommand, DnsChangeResult>(
      new ChangeDnsRecordCommand(user, 'example.org', current, input),
    );
  const remove = (record: DnsRecordKey, user = anne) =>
    bus().execute<RemoveDnsRecordCommand, DnsChangeResult>(
      new RemoveDnsRecordCommand(user, 'example.org', record),
    );
  const mirror = () => app.context.get(LegacyHostingMirror).drain();
  const serial = async () =>
    (await app.db.run((q) => readLegacyZone(q, 'example.org')))!.soa!.serial;
  const rows = () =>
    app.db.query<{ name: string; type: string; data: unknown; aux: number; ttl: number }>(
      `SELECT name, type, data, aux, ttl FROM rr WHERE zone = 1 ORDER BY id`,
    );
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  const zoneEvents = () => app.count('g2_events', "stream_id = 'zone-1'");
  const today = () => app.clock.today();

  /** The zone as MyDNS serves it, through named-checkzone: every zone a test writes passes. */
  const checkZone = () => checkServedZone(app.db, 'example.org');

  /** A refusal with its code and field, after which nothing was recorded nor written. */
  async function refused(run: () => Promise<unknown>, code: string, field: string) {
    const [events, before, soa] = [await zoneEvents(), await rows(), await serial()];
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect({ code: (error as DomainError).code, field: (error as DomainError).field }).toEqual({
      code,
      field,
    });
    await mirror();
    expect(await zoneEvents()).toBe(events);
    expect(await rows()).toEqual(before);
    expect(await serial()).toBe(soa);
    return (error as DomainError).message;
  }

  it('adds a record: rr written as MyDNS reads it, then the serial bumped once', async () => {
    const before = await serial();
    expect(await add({ name: 'blog', type: 'A', value: '192.0.2.30' })).toEqual({
      domain: 'example.org',
      soaId: 1,
      recorded: 1,
    });
    await mirror();
    const written = (await rows()).filter((r) => r.name === 'blog');
    expect(written.map((r) => ({ ...r, data: text(r.data) }))).toEqual([
      { name: 'blog', type: 'A', data: '192.0.2.30', aux: 0, ttl: 3600 },
    ]);
    expect(await serial()).toBe(nextSerial(before, today()));
    expect(await checkZone()).toContain('blog.example.org. 3600 IN A 192.0.2.30');
  });

  it('refuses, writing nothing: TXT of 200 bytes, unknown type, CNAME beside other data', async () => {
    const cases: [DnsRecordInput, string, string][] = [
      [{ name: '', type: 'TXT', value: 'k'.repeat(200) }, 'invalid_input', 'valeur'],
      [{ name: '', type: 'CAA', value: '0 issue "x"' }, 'invalid_input', 'type'],
      [{ name: 'www', type: 'TXT', value: 'hello' }, 'conflict', 'nom'],
      [{ name: 'blog', type: 'CNAME', value: 'www' }, 'conflict', 'nom'],
      [{ name: 'x', type: 'MX', value: '192.0.2.1', priority: '10' }, 'invalid_input', 'valeur'],
    ];
    const messages = [];
    for (const [input, code, field] of cases)
      messages.push(await refused(() => add(input), code, field));
    expect(messages[0]).toContain('200 octets');
  });

  it('refuses another cooperator’s domain as unknown, and MX by hand while Ouvaton hosts the mail', async () => {
    expect(
      await refused(
        () => add({ name: 'x', type: 'A', value: '192.0.2.1' }, other),
        'not_found',
        'domaine',
      ),
    ).toContain('example.org');
    // example.org's mail is hosted here (gere_mx 'O', Gloux's default).
    expect(
      await refused(
        () => add({ name: '', type: 'MX', value: 'mx2.example.net', priority: '20' }),
        'mx_managed',
        'type',
      ),
    ).toContain('hébergée par Ouvaton');
    await refused(
      () => remove({ name: '@', type: 'MX', data: 'mx.ouvaton.coop' }),
      'mx_managed',
      'type',
    );
  });

  it('changes a row Gloux wrote with an FQDN name, and removes one by its typed value', async () => {
    await change(
      { name: 'ftp', type: 'A', data: '192.0.2.10' },
      { name: 'ftp', type: 'A', value: '192.0.2.11', ttl: '600' },
    );
    await mirror();
    const ftp = (await rows()).filter((r) => r.name.startsWith('ftp'));
    expect(ftp.map((r) => ({ ...r, data: text(r.data) }))).toEqual([
      { name: 'ftp', type: 'A', data: '192.0.2.11', aux: 0, ttl: 600 },
    ]);
    // The domain's mail now elsewhere (as Gloux's form would set it): its MX are the cooperator's.
    await app.db.run((q) => q.execute(`UPDATE domaines SET gere_mx = 'N' WHERE id_domaine = 1`));
    await add({ name: '', type: 'MX', value: 'mx2.example.net', priority: '20' });
    await remove({ name: '@', type: 'MX', data: 'mx.ouvaton.coop' });
    await mirror();
    const mx = (await rows()).filter((r) => r.type === 'MX');
    expect(mx.map((r) => ({ ...r, data: text(r.data) }))).toEqual([
      { name: '', type: 'MX', data: 'mx2.example.net.', aux: 20, ttl: 3600 },
    ]);
    await checkZone();
  });

  it('keeps the serial growing when Gloux bumps it at the same moment', async () => {
    // Gloux writes its own YYYYMMDDnn, ahead of gloux2's.
    const ahead = nextSerial(await serial(), today()) + 40;
    await app.db.run((q) => q.execute(`UPDATE soa SET serial = ? WHERE id = 1`, [ahead]));
    await add({ name: 'shop', type: 'AAAA', value: '2001:DB8:0:0::7' });
    await mirror();
    expect(await serial()).toBe(ahead + 1);
    expect(await checkZone()).toContain('shop.example.org. 3600 IN AAAA 2001:db8::7');
  });

  it('mirrors an event once: a replay writes no second row and does not bring back a removed one', async () => {
    const stream = await app.db.run((q) => readStream(q, 'zone-1'));
    const added = stream.find((e) => e.type === 'DnsRecordAdded')!;
    const event = { type: added.type, data: added.data } as DnsEvent;
    const replay = async () => app.db.transaction((tx) => mirrorDnsEvent(tx, event, added));
    const count = (await rows()).length;
    const before = await serial();
    expect(await replay()).toBeGreaterThan(before);
    expect((await rows()).length).toBe(count);
    // Gloux deletes the row; a late replay leaves it deleted.
    await app.db.run((q) => q.execute(`DELETE FROM rr WHERE zone = 1 AND name = 'blog'`));
    await replay();
    expect((await rows()).some((r) => r.name === 'blog')).toBe(false);
  });

  it('decides against Gloux’s rows as they are now, and against what is not mirrored yet', async () => {
    // Gloux adds a record itself: gloux2 sees it at once.
    await app.db.run((q) =>
      q.execute(
        `INSERT INTO rr (zone, name, type, data, aux, ttl) VALUES (1, 'gloux', 'CNAME', 'example.org.', 0, 3600)`,
      ),
    );
    await refused(() => add({ name: 'gloux', type: 'A', value: '192.0.2.9' }), 'conflict', 'nom');
    // Two commands before the mirror runs: the second sees the first.
    await Promise.all([
      add({ name: 'a1', type: 'A', value: '192.0.2.41' }),
      add({ name: 'a1', type: 'TXT', value: 'one' }),
    ]);
    await expect(add({ name: 'a1', type: 'CNAME', value: '@' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await mirror();
    await checkZone();
  });
});
