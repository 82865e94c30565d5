import { Global, Injectable, Module } from '@nestjs/common';
import type { Day } from '../../domain/shared/day.js';

/** The homes that show tiles: the admin module's and the treasurer's. */
export type HomeName = 'admin' | 'treasurer';

/** One figure of a home, linking to the page that handles it. */
export interface Tile {
  readonly title: string;
  readonly count: number;
  /** What the count counts, singular and plural ("chèque", "chèques"). */
  readonly one: string;
  readonly many: string;
  /** An amount in euros ('123.45') when the figure has one. */
  readonly amount?: string;
  /** A short line under the figure (a breakdown, the period it covers). */
  readonly detail?: string;
  readonly href: string;
  /** True when the count asks someone to act (shown highlighted when non-zero). */
  readonly needsAction: boolean;
}

/**
 * A module's tile: `slot` names what it shows, so a home can tell which of the figures it
 * expects no module provides yet; `order` places it.
 */
export interface TileSource {
  readonly home: HomeName;
  readonly slot: string;
  readonly order: number;
  read(today: Day): Promise<Tile>;
}

/** A figure a home expects from a module that has not landed: said so, never made up. */
export interface ExpectedSlot {
  readonly slot: string;
  readonly order: number;
  readonly title: string;
}

export type ShownTile =
  | (Tile & { readonly slot: string; readonly available: true })
  | (ExpectedSlot & { readonly available: false });

/**
 * The tiles of the homes. Each module registers its own (in its onModuleInit), so the hosting
 * and mail modules add theirs without the home knowing them.
 */
@Injectable()
export class HomeTiles {
  private readonly sources: TileSource[] = [];

  register(...sources: TileSource[]): void {
    for (const s of sources) {
      if (this.sources.some((t) => t.home === s.home && t.slot === s.slot))
        throw new Error(`two tiles for ${s.home}/${s.slot}`);
      this.sources.push(s);
    }
  }

  /** The home's tiles in order, and a "not yet available" one for each expected slot left. */
  async tiles(
    home: HomeName,
    today: Day,
    expected: readonly ExpectedSlot[] = [],
  ): Promise<ShownTile[]> {
    const mine = this.sources.filter((s) => s.home === home);
    // One after the other: SQLite has one connection, and the pool is shared with the users.
    const shown: (ShownTile & { order: number })[] = [];
    for (const s of mine)
      shown.push({ ...(await s.read(today)), slot: s.slot, order: s.order, available: true });
    for (const e of expected)
      if (!mine.some((s) => s.slot === e.slot)) shown.push({ ...e, available: false });
    return shown.sort((a, b) => a.order - b.order);
  }
}

/** Global, so that every module can register its tiles without importing the panel. */
@Global()
@Module({ providers: [HomeTiles], exports: [HomeTiles] })
export class HomeTilesModule {}
