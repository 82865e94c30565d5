/** Text for a search: accents and case ignored ("Hélène" and "HELENE" fold alike). */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
