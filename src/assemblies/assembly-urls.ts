import { str } from '../panel/form-input.js';

/** Where a form sends the clerk back: the list as it was (search, filter), at a section. */
export interface Back {
  q: string;
  filtre: string;
}

export const backOf = (body: Record<string, unknown> | undefined): Back => ({
  q: str(body?.q),
  filtre: str(body?.filtre),
});

const page = (assemblyId: string) => `/admin/ag/${encodeURIComponent(assemblyId)}`;

/** The assembly's page, with the list as the clerk left it and what was just done. */
export function pageUrl(
  assemblyId: string,
  back: Back,
  done: Record<string, string>,
  anchor: string,
): string {
  const params = new URLSearchParams();
  if (back.q) params.set('q', back.q);
  if (back.filtre) params.set('filtre', back.filtre);
  for (const [k, v] of Object.entries(done)) params.set(k, v);
  const query = params.toString();
  return `${page(assemblyId)}${query ? `?${query}` : ''}#${anchor}`;
}

/** A member's proxy or postal-vote form, remembering the search to come back to. */
export function memberFormUrl(
  assemblyId: string,
  form: 'procuration' | 'correspondance',
  tiersId: string,
  q: string,
): string {
  const params = new URLSearchParams({ membre: tiersId });
  if (q) params.set('q', q);
  return `${page(assemblyId)}/${form}?${params.toString()}`;
}

/** The assembly's pages and documents, as the pages and the JSON give them. */
export function assemblyLinks(assemblyId: string) {
  const html = page(assemblyId);
  return {
    page: html,
    json: `/api/ag/${encodeURIComponent(assemblyId)}`,
    attendanceSheet: `${html}/feuille-de-presence`,
    attendanceSheetPdf: `${html}/feuille-de-presence.pdf`,
    minutes: `${html}/proces-verbal`,
  };
}
