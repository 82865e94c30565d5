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
});
