import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HomeTiles } from '../panel/home-tiles.js';
import { MoneticoService } from './monetico.service.js';

/** The treasurer's home: card notifications that did not simply pay or cancel. */
@Injectable()
export class MoneticoHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(MoneticoService) private readonly monetico: MoneticoService,
  ) {}

  onModuleInit(): void {
    this.tiles.register({
      home: 'treasurer',
      slot: 'cards.anomalies',
      order: 40,
      read: async () => ({
        title: 'Anomalies carte',
        count: await this.monetico.anomalyCount(),
        one: 'notification',
        many: 'notifications',
        href: '/tresorerie/anomalies-cb',
        needsAction: true,
      }),
    });
  }
}
