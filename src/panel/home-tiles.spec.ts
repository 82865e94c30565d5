import { describe, expect, it } from '@jest/globals';
import { HomeTiles, type TileSource } from './home-tiles.js';

const source = (slot: string, order: number, count: number): TileSource => ({
  home: 'admin',
  slot,
  order,
  read: () =>
    Promise.resolve({
      title: slot,
      count,
      one: 'x',
      many: 'x',
      href: `/${slot}`,
      needsAction: false,
    }),
});

describe('the home tiles registry', () => {
  it('shows the registered tiles in order, each with its figure', async () => {
    const tiles = new HomeTiles();
    tiles.register(source('b', 20, 2), source('a', 10, 1));
    const shown = await tiles.tiles('admin', '2026-12-07');
    expect(shown.map((t) => [t.slot, t.available, t.available && t.count])).toEqual([
      ['a', true, 1],
      ['b', true, 2],
    ]);
    expect(await tiles.tiles('treasurer', '2026-12-07')).toEqual([]);
  });

  it('says "not yet available" only for an expected slot no module fills', async () => {
    const tiles = new HomeTiles();
    const expected = [
      { slot: 'hosting.disk', order: 40, title: 'Espace disque' },
      { slot: 'mail.boxes', order: 50, title: 'Boîtes mail' },
    ];
    expect((await tiles.tiles('admin', '2026-12-07', expected)).map((t) => t.available)).toEqual([
      false,
      false,
    ]);
    tiles.register(source('hosting.disk', 40, 3));
    const shown = await tiles.tiles('admin', '2026-12-07', expected);
    expect(shown.map((t) => [t.slot, t.available])).toEqual([
      ['hosting.disk', true],
      ['mail.boxes', false],
    ]);
  });

  it('refuses two tiles for one slot of a home', () => {
    const tiles = new HomeTiles();
    tiles.register(source('a', 10, 1));
    expect(() => tiles.register(source('a', 20, 2))).toThrow('two tiles for admin/a');
  });
});
