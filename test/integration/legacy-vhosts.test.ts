import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { VhostCreated, VhostEvent } from '../../domain/hosting/vhost-events.js';
import { mirrorVhostEvent } from '../../legacy-sync/legacy-vhosts.js';
import type { Db } from '../../src/kernel/database/db.js';
import { dialects } from '../support/databases.js';
import { openSampleDatabase } from '../support/sqlite-sample-data.js';

jest.setTimeout(120_000);

/**
 * The web-space mirror writes Gloux's `vhosts` rows as Gloux's cron reads them, once per event
 * whatever is replayed, and never over a row another hosting holds.
 */
const created = (host: string, hostingId = 1): VhostCreated => ({
  type: 'VhostCreated',
  data: {
    hostingId,
    host,
    domainId: 1,
    folder: `/${host}`,
    aliases: ['shop.example.org', 'boutique.example.org'],
    php: '5',
    ssl: true,
    redirection: '',
    enabled: true,
  },
});

describe.each(dialects)('vhosts mirror on %s', (dialect) => {
  let sample: Awaited<ReturnType<typeof openSampleDatabase>>;
  let db: Db;
  const row = async (host: string) =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT id_hebergement, id_domaine, racine, alias, php, `ssl` AS ssl_flag, redirection, actif, a_regenerer FROM vhosts WHERE nom_hote = ?',
        [host],
      )
    ).map((r) => ({
      ...r,
      id_hebergement: Number(r.id_hebergement),
      id_domaine: Number(r.id_domaine),
      a_regenerer: Number(r.a_regenerer),
    }));
  const mirror = (e: VhostEvent, position: number) =>
    db.transaction((tx) => mirrorVhostEvent(tx, e, position));

  beforeAll(async () => {
    sample = await openSampleDatabase(dialect);
    db = sample.db;
  });
  afterAll(() => sample?.close());

  it('inserts the row Gloux’s cron regenerates, once, whatever is replayed', async () => {
    const first = await mirror(created('www2.example.org'), 101);
    expect(first.kind).toBe('written');
    expect(await mirror(created('www2.example.org'), 101)).toEqual(first);
    expect(await row('www2.example.org')).toEqual([
      {
        id_hebergement: 1,
        id_domaine: 1,
        racine: '/www2.example.org',
        alias: 'shop.example.org boutique.example.org',
        php: '5',
        ssl_flag: '1',
        redirection: '',
        actif: 'Y',
        a_regenerer: 1,
      },
    ]);
  });

  it('records a conflict, and leaves Gloux’s row alone, when another hosting holds the name', async () => {
    const before = await row('www.lesamis.example');
    expect(await mirror(created('www.lesamis.example', 1), 102)).toEqual({
      kind: 'conflict',
      host: 'www.lesamis.example',
      heldBy: 2,
    });
    expect(await row('www.lesamis.example')).toEqual(before);
  });

  it('writes a change with the regeneration flag, and removes only its own hosting’s row', async () => {
    await db.transaction((tx) =>
      tx.execute('UPDATE vhosts SET a_regenerer = 0 WHERE nom_hote = ?', ['www2.example.org']),
    );
    await mirror(
      {
        type: 'VhostChanged',
        data: {
          hostingId: 1,
          host: 'www2.example.org',
          aliases: [],
          php: 'aucun',
          ssl: false,
          redirection: 'https://exemple.fr/',
          enabled: false,
        },
      },
      103,
    );
    expect(await row('www2.example.org')).toEqual([
      expect.objectContaining({
        alias: '',
        php: 'aucun',
        ssl_flag: '0',
        redirection: 'https://exemple.fr/',
        actif: 'N',
        a_regenerer: 1,
      }),
    ]);
    await mirror(
      { type: 'VhostRemoved', data: { hostingId: 1, host: 'www.lesamis.example', folder: '/' } },
      104,
    );
    expect(await row('www.lesamis.example')).toHaveLength(1);
    await mirror(
      {
        type: 'VhostRemoved',
        data: { hostingId: 1, host: 'www2.example.org', folder: '/www2.example.org' },
      },
      105,
    );
    expect(await row('www2.example.org')).toEqual([]);
  });
});
