import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorLog } from './error-log.js';
import { HomeTiles } from './home-tiles.js';

/** The admin home's count of the day's server errors. */
@Injectable()
export class PanelHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(ErrorLog) private readonly errors: ErrorLog,
  ) {}

  onModuleInit(): void {
    this.tiles.register({
      home: 'admin',
      slot: 'errors.today',
      order: 60,
      read: async (today) => ({
        title: 'Erreurs du serveur aujourd’hui',
        count: await this.errors.countOn(today),
        one: 'erreur',
        many: 'erreurs',
        href: '/admin/erreurs',
        needsAction: true,
      }),
    });
  }
}
