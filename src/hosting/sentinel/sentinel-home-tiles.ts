import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HomeTiles } from '../../panel/home-tiles.js';
import { OverUsersQueries } from './over-users.queries.js';

/** The admin home's mail over-users: boxes at 90 % of their quota or more this week. */
@Injectable()
export class SentinelHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(OverUsersQueries) private readonly queries: OverUsersQueries,
  ) {}

  onModuleInit(): void {
    this.tiles.register({
      home: 'admin',
      slot: 'mail.over',
      order: 55,
      read: async (today) => ({
        title: 'Boîtes mail presque pleines',
        count: await this.queries.count(today, 7),
        one: 'boîte',
        many: 'boîtes',
        detail: 'à 90 % de leur quota ou plus sur 7 jours',
        href: '/admin/courrier/depassements',
        needsAction: false,
      }),
    });
  }
}
