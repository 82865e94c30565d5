import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { addDays } from '../../domain/shared/day.js';
import { HomeTiles } from '../panel/home-tiles.js';
import { reasonLabel } from './account-labels.js';
import { LifecyclePagesQueries } from './lifecycle-pages.queries.js';

/** Days the admin home looks back for sign-ups and for closures (the pages' defaults). */
export const NEW_ACCOUNT_DAYS = 30;
export const CLOSED_ACCOUNT_DAYS = 90;

/** The admin home's account, e-mail and provisioning tiles. */
@Injectable()
export class LifecycleHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(LifecyclePagesQueries) private readonly queries: LifecyclePagesQueries,
  ) {}

  onModuleInit(): void {
    const figures = (today: string) =>
      this.queries.accountFigures(
        addDays(today, -NEW_ACCOUNT_DAYS),
        addDays(today, -CLOSED_ACCOUNT_DAYS),
      );
    this.tiles.register(
      {
        home: 'admin',
        slot: 'accounts.new',
        order: 10,
        read: async (today) => ({
          title: 'Nouveaux comptes',
          count: (await figures(today)).opened,
          one: 'inscription',
          many: 'inscriptions',
          detail: `sur les ${NEW_ACCOUNT_DAYS} derniers jours`,
          href: '/admin/comptes/nouveaux',
          needsAction: false,
        }),
      },
      {
        home: 'admin',
        slot: 'accounts.closing',
        order: 20,
        read: async (today) => {
          const f = await figures(today);
          return {
            title: 'Comptes en fermeture',
            count: f.closing,
            one: 'compte en préavis',
            many: 'comptes en préavis',
            detail: `${f.closed} ${f.closed > 1 ? 'fermés' : 'fermé'} sur les ${CLOSED_ACCOUNT_DAYS} derniers jours`,
            href: '/admin/comptes/fermetures',
            needsAction: f.closing > 0,
          };
        },
      },
      {
        home: 'admin',
        slot: 'accounts.suspended',
        order: 30,
        read: async (today) => {
          const f = await figures(today);
          return {
            title: 'Comptes suspendus',
            count: f.suspended,
            one: 'compte',
            many: 'comptes',
            detail: f.suspendedByReason
              .map((r) => `${reasonLabel(r.reason)} : ${r.count}`)
              .join(' · '),
            href: '/admin/comptes/suspendus',
            needsAction: f.suspended > 0,
          };
        },
      },
      {
        home: 'admin',
        slot: 'provisioning.failed',
        order: 70,
        read: async () => ({
          title: 'Provisionnement en échec',
          count: (await this.queries.failures()).provisioning,
          one: 'travail',
          many: 'travaux',
          href: '/admin/provisionnement',
          needsAction: true,
        }),
      },
      {
        home: 'admin',
        slot: 'mail.failed',
        order: 80,
        read: async () => ({
          title: 'Courriels en échec',
          count: (await this.queries.failures()).mails,
          one: 'courriel',
          many: 'courriels',
          href: '/admin/courriels?statut=failed',
          needsAction: true,
        }),
      },
    );
  }
}
