import { describe, expect, it } from '@jest/globals';
import Handlebars from 'handlebars';
import { registerHelpers } from './view-helpers.js';

describe('view helpers', () => {
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  it('writes French plurals instead of "(s)"', () => {
    const render = hbs.compile('{{plural n "paiement" "paiements"}}');
    expect([0, 1, 2].map((n) => render({ n }))).toEqual([
      '0 paiement',
      '1 paiement',
      '2 paiements',
    ]);
  });
  it('writes a stored UTC time in French, Paris time, never the raw timestamp', () => {
    const render = hbs.compile('{{dateTime t}}');
    expect(render({ t: '2026-12-07 05:31:27.988' })).toBe('07/12/2026 à 06:31');
    expect(render({ t: '2026-07-14T22:05:00Z' })).toBe('15/07/2026 à 00:05');
    expect(render({ t: 'pas une date' })).toBe('pas une date');
  });
});
