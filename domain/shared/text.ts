/** Text for a search: accents and case ignored ("Hélène" and "HELENE" fold alike). */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** An e-mail address as the forms accept it: something@domain.tld, no spaces. */
export function isEmailAddress(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);
}
