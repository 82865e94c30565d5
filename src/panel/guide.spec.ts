import { describe, expect, it } from '@jest/globals';
import type { AuthUser } from '../auth/auth-user.js';
import { guideChapterFor, guideIndexFor, panelHref } from './guide.js';

const user = (roles: Partial<AuthUser>): AuthUser => ({
  userId: '1',
  login: 'x',
  admin: false,
  treasurer: false,
  cooperator: false,
  tiersId: null,
  customerIds: [],
  ...roles,
});

describe('the guide in the panel', () => {
  it('turns chapter files into /aide pages and leaves images and outside links alone', () => {
    expect(panelHref('cooperateur-mot-de-passe.md')).toBe('/aide/cooperateur-mot-de-passe');
    expect(panelHref('tresorier-exports.md#fec')).toBe('/aide/tresorier-exports#fec');
    expect(panelHref('README.md')).toBe('/aide');
    expect(panelHref('images/x.png')).toBe('images/x.png');
    expect(panelHref('https://example.org/a.md')).toBe('https://example.org/a.md');
    expect(panelHref('/connexion')).toBe('/connexion');
  });

  it('shows each role its own chapters, from docs/guide', () => {
    const cooperator = guideIndexFor(user({ cooperator: true, customerIds: ['1'] }));
    expect(cooperator.map((g) => g.label)).toEqual(['Coopérateur']);
    expect(cooperator[0]?.chapters.map((c) => c.title)).toContain('Changer son mot de passe');
    expect(guideIndexFor(user({ treasurer: true })).map((g) => g.label)).not.toContain(
      'Coopérateur',
    );
  });

  it('refuses a chapter of another role (null) and answers 404 for any other name', () => {
    const treasurer = user({ treasurer: true });
    expect(guideChapterFor(treasurer, 'cooperateur-mot-de-passe')).toBeNull();
    expect(
      guideChapterFor(user({ cooperator: true }), 'cooperateur-payer-une-facture')?.html,
    ).toContain('<img src="images/cooperateur-paiement-carte.png"');
    for (const name of ['../README', 'README', 'cooperateur-nope', 'tresorier-../../x']) {
      expect(() => guideChapterFor(treasurer, name)).toThrow('Ce chapitre de l’aide n’existe pas.');
    }
  });
});
