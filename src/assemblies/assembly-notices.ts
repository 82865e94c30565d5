import type {
  AssemblyMember,
  ResolutionView,
} from '../../projections/assemblies/assemblies.queries.js';

/** What was just done, as the redirect after a recording carries it in the query string. */
export interface Done {
  fait?: string;
  membre?: string;
  resolution?: string;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** What the assembly's page says after a recording, from the current read models. */
export function noticeOf(
  done: Done,
  members: readonly AssemblyMember[],
  named: AssemblyMember | null,
  resolutions: readonly ResolutionView[],
): string | null {
  const name = named?.name ?? members.find((m) => m.tiersId === done.membre)?.name ?? '';
  const resolution = resolutions.find((r) => r.resolutionId === done.resolution);
  switch (done.fait ?? '') {
    case 'present':
      return `${name} est noté présent.`;
    case 'procuration':
      return `Procuration de ${name} enregistrée : ${lowerFirst(named?.status ?? '')}.`;
    case 'correspondance':
      return `Vote par correspondance de ${name} enregistré.`;
    case 'retrait':
      return `${name} n’est plus compté.`;
    case 'resolution':
      return resolution ? `Résolution n° ${resolution.number} ajoutée.` : null;
    case 'vote':
      return resolution?.vote
        ? `Résolution n° ${resolution.number} ${resolution.vote.adopted ? 'adoptée' : 'rejetée'}.`
        : null;
    case 'cloture':
      return 'L’assemblée est close : la feuille de présence et le procès-verbal sont définitifs.';
    default:
      return null;
  }
}
