import { plural } from '../../domain/shared/plural.js';
import type { ResolutionView } from '../../projections/assemblies/assemblies.queries.js';
import type { Confirmation } from '../panel/confirmation.js';

interface ClosingAssembly {
  assemblyId: string;
  label: string;
  quorum: {
    counted: number;
    members: number;
    reached: boolean;
    present: number;
    represented: number;
    postal: number;
  };
}

/** What closing an assembly will do: its attendance and resolutions as they stand, frozen. */
export function closeConfirmation(
  assembly: ClosingAssembly,
  resolutions: readonly Pick<ResolutionView, 'vote'>[],
  cle: string,
): Confirmation {
  const q = assembly.quorum;
  const voted = resolutions.filter((r) => r.vote !== null);
  const adopted = voted.filter((r) => r.vote?.adopted).length;
  const unvoted = resolutions.length - voted.length;
  const page = `/admin/ag/${encodeURIComponent(assembly.assemblyId)}`;
  return {
    heading: 'Clore l’assemblée ?',
    facts: [
      `${assembly.label}.`,
      `${plural(q.counted, 'sociétaire compté', 'sociétaires comptés')} sur ${q.members} (${q.present} ${q.present < 2 ? 'présent' : 'présents'}, ${q.represented} ${q.represented < 2 ? 'représenté' : 'représentés'}, ${q.postal} par correspondance) : ${q.reached ? 'quorum atteint' : 'quorum non atteint'}.`,
      `${plural(voted.length, 'résolution votée', 'résolutions votées')}, dont ${plural(adopted, 'adoptée', 'adoptées')}.`,
      ...(unvoted > 0
        ? [
            `${plural(unvoted, 'résolution n’a pas été votée et ne le sera plus', 'résolutions n’ont pas été votées et ne le seront plus')}.`,
          ]
        : []),
      'Plus aucune présence, procuration ni vote ne pourra être enregistré ; le procès-verbal reprend ces résultats.',
    ],
    warning: 'La clôture est définitive : une assemblée close ne se rouvre pas.',
    action: `${page}/cloture`,
    fields: { cle },
    confirmLabel: 'Clore l’assemblée',
    cancelHref: page,
  };
}
