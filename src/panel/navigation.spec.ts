import { describe, expect, it } from '@jest/globals';
import { NAVIGATION, navigationFor } from './navigation.js';

const cooperator = { admin: false, staff: false, cooperator: true };
const treasurer = { admin: false, staff: true, cooperator: false };
const admin = { admin: true, staff: true, cooperator: true };

const hrefs = (groups: ReturnType<typeof navigationFor>) =>
  groups.flatMap((g) => g.entries.map((e) => e.href));

describe('the grouped navigation', () => {
  it('shows a cooperator only their own account, their hostings and the help', () => {
    const groups = navigationFor(cooperator, '/mon-compte');
    expect(groups.map((g) => g.label)).toEqual(['Mon compte', 'Aide']);
    expect(hrefs(groups)).toEqual(['/mon-compte', '/hebergements', '/aide']);
    expect(groups[0]!.current).toBe(true);
    // One link alone is the group's own link, marked when it is the current page.
    expect(groups[1]!.single?.href).toBe('/aide');
    expect(navigationFor(cooperator, '/hebergements/4')[0]!.entries[1]!.current).toBe(true);
  });

  it('shows a treasurer the members and the treasury, no admin page', () => {
    const groups = navigationFor(treasurer, '/tresorerie/remises/3');
    expect(groups.map((g) => g.label)).toEqual(['Adhérents', 'Hébergement', 'Trésorerie', 'Aide']);
    expect(hrefs(groups)).toContain('/admin/adherents');
    expect(hrefs(groups)).not.toContain('/admin/facturation');
    expect(hrefs(groups)).not.toContain('/admin/parts');
    const current = groups.flatMap((g) => g.entries).filter((e) => e.current);
    expect(current.map((e) => e.href)).toEqual(['/tresorerie/remises']);
    expect(groups.find((g) => g.label === 'Trésorerie')?.current).toBe(true);
  });

  it('shows an admin every link once, and nobody anything when signed out', () => {
    const all = NAVIGATION.flatMap((g) => g.entries.map((e) => e.href));
    expect(new Set(all).size).toBe(all.length);
    expect(hrefs(navigationFor(admin, '/'))).toEqual(all);
    expect(navigationFor(null, '/')).toEqual([]);
  });

  it('marks a home only on itself, not on the pages listed beside it', () => {
    const current = (path: string) =>
      navigationFor(admin, path)
        .flatMap((g) => g.entries)
        .filter((e) => e.current)
        .map((e) => e.href);
    expect(current('/tresorerie')).toEqual(['/tresorerie']);
    expect(current('/tresorerie/remises/3')).toEqual(['/tresorerie/remises']);
    expect(current('/admin')).toEqual(['/admin']);
    expect(current('/admin/ag/12')).toEqual(['/admin/ag']);
  });

  it('does not take a longer path for a page below a link (/admin/parts-x is not /admin/parts)', () => {
    const links = navigationFor(admin, '/admin/partsx').flatMap((g) => g.entries);
    expect(links.filter((e) => e.current)).toEqual([]);
  });
});
