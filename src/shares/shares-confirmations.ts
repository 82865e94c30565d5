import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { plural, pluralWord } from '../../domain/shared/plural.js';
import type { ShareEvent } from '../../domain/shares/events.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import type { Confirmation } from '../panel/confirmation.js';

/** The irreversible share movements the admin page asks about first. */
export type ConfirmedShareAction = 'remboursement' | 'annulation' | 'retrait';

const QUESTIONS: Record<
  ConfirmedShareAction,
  Pick<Confirmation, 'heading' | 'warning' | 'confirmLabel'>
> = {
  remboursement: {
    heading: 'Rembourser ces parts ?',
    warning:
      'Un remboursement est définitif : les parts remboursées ne reviennent pas (une nouvelle souscription aurait de nouveaux numéros).',
    confirmLabel: 'Rembourser',
  },
  annulation: {
    heading: 'Annuler ces parts ?',
    warning: 'Une annulation est définitive : les parts annulées ne reviennent pas.',
    confirmLabel: 'Annuler ces parts',
  },
  retrait: {
    heading: 'Retirer cette demande de remboursement ?',
    warning:
      'Le retrait est définitif : une nouvelle demande prendrait la dernière place de la file d’attente.',
    confirmLabel: 'Retirer la demande',
  },
};

/** One sentence per event the movement would record, with names, numbers and amounts. */
function factsOf(events: readonly ShareEvent[], names: ReadonlyMap<string, string>): string[] {
  const who = (tiersId: string) => `${names.get(tiersId) ?? 'tiers inconnu'} (tiers n° ${tiersId})`;
  const parts = (numbers: readonly number[]) =>
    `${plural(numbers.length, 'part', 'parts')} (n° ${formatNumberRanges(numbers)})`;
  return events.flatMap((e): string[] => {
    switch (e.type) {
      case 'SharesRedeemed':
        return e.data.requestId === null
          ? [
              `Remboursement à ${who(e.data.tiersId)} de ${parts(e.data.numbers)}, ${formatEuros(e.data.amount)}, daté du ${formatDayFr(e.data.on)}.`,
              `${pluralWord(e.data.numbers.length, 'La part sort', 'Les parts sortent')} du capital ; ${formatEuros(e.data.amount)} restent dus au sociétaire (compte 4567) jusqu’au versement.`,
              ...(e.data.reason ? [`Motif : « ${e.data.reason} ».`] : []),
            ]
          : [
              `La demande en attente de ${who(e.data.tiersId)} sera exécutée : ${parts(e.data.numbers)}, ${formatEuros(e.data.amount)}.`,
            ];
      case 'ShareRedemptionQueued':
        return [
          `Le capital descendrait sous son plancher : la demande de ${who(e.data.tiersId)} pour ${parts(e.data.numbers)}, ${formatEuros(e.data.amount)}, est mise en file d’attente ; elle sera exécutée quand le capital le permettra.`,
        ];
      case 'SharesCancelled':
        return [
          `Annulation des ${parts(e.data.numbers)} souscrites non libérées de ${who(e.data.tiersId)}, datée du ${formatDayFr(e.data.on)} : elles sortent du capital.`,
          ...(e.data.reason ? [`Motif : « ${e.data.reason} ».`] : []),
        ];
      case 'ShareRedemptionWithdrawn':
        return [
          `La demande de remboursement de ${who(e.data.tiersId)} est retirée : ses parts restent détenues.`,
        ];
      case 'SharesSubscribed':
      case 'SharesPaidUp':
      case 'SharePaymentReceived':
      case 'SharesTransferred':
      case 'LegacySharesImported':
      case 'LegacyShareChanged':
        return [];
    }
  });
}

/** The confirmation page of a redemption, a cancellation or a withdrawal, from its preview. */
export function shareConfirmation(
  action: ConfirmedShareAction,
  preview: { events: readonly ShareEvent[]; names: ReadonlyMap<string, string> },
  post: { action: string; fields: Record<string, string> },
): Confirmation {
  return {
    ...QUESTIONS[action],
    facts: factsOf(preview.events, preview.names),
    action: post.action,
    fields: post.fields,
    cancelHref: '/admin/parts',
  };
}
