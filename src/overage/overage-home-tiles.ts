import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HomeTiles } from '../panel/home-tiles.js';
import { OverageQueries } from './overage-page.queries.js';

/** The admin home's over-users: hostings over their disk quota, over their mailboxes. */
@Injectable()
export class OverageHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(OverageQueries) private readonly queries: OverageQueries,
  ) {}

  onModuleInit(): void {
    this.tiles.register(
      {
        home: 'admin',
        slot: 'hosting.disk',
        order: 40,
        read: async () => ({
          title: 'Espace disque dépassé',
          count: (await this.queries.counts()).disk,
          one: 'hébergement',
          many: 'hébergements',
          detail: 'au-delà de l’espace inclus',
          href: '/admin/depassements?ressource=disk',
          needsAction: false,
        }),
      },
      {
        home: 'admin',
        slot: 'mail.boxes',
        order: 50,
        read: async () => ({
          title: 'Boîtes mail en surnombre',
          count: (await this.queries.counts()).mail,
          one: 'hébergement',
          many: 'hébergements',
          detail: 'plus de boîtes que le forfait n’en inclut',
          href: '/admin/depassements?ressource=mail',
          needsAction: false,
        }),
      },
    );
  }
}
