import { plural, pluralWord } from '../../domain/shared/plural.js';

/** '6 lignes nouvelles, 0 déjà connue': what a statement import added (page and CLI). */
export const importCounts = (imported: number | string, skipped: number | string): string =>
  `${plural(imported, 'ligne nouvelle', 'lignes nouvelles')}, ${skipped} ${pluralWord(skipped, 'déjà connue', 'déjà connues')}`;
