import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import type { DomainNameEvent } from './domain-events.js';
import {
  decideAddDomain,
  decideRemoveDomain,
  evolveHostingDomains,
  foldHostingDomains,
  initialHostingDomainsState,
  type AddDomain,
  type AddDomainContext,
} from './domains.js';

const gloux = initialHostingDomainsState([
  { domain: 'example.org', manageDns: true, manageMx: true },
]);
const adding = deciderSpec({
  initial: gloux,
  evolve: evolveHostingDomains,
  decide: decideAddDomain,
});
const removing = deciderSpec({
  initial: gloux,
  evolve: evolveHostingDomains,
  decide: decideRemoveDomain,
});

const context: AddDomainContext = {
  hostingState: 'actif',
  takenInGloux: null,
  reservedDomains: ['ouvaton.org', 'ouvaton.coop'],
};
const add = (domain: string, more: Partial<AddDomain> = {}): AddDomain => ({
  hostingId: 1,
  domain,
  manageDns: true,
  manageMx: true,
  ...more,
});
const added = (domain: string, manageDns = true, manageMx = true): DomainNameEvent => ({
  type: 'DomainAdded',
  data: { hostingId: 1, domain, manageDns, manageMx },
});

describe('adding a domain to a hosting', () => {
  it('records it lower case, without its trailing dot, with the choices made', () => {
    adding
      .given()
      .when(add(' Mon-Site.FR. ', { manageMx: false }), context)
      .then([added('mon-site.fr', true, false)]);
    // An IDN arrives as its A-labels.
    adding
      .given()
      .when(add('xn--caf-dma.fr'), context)
      .then([added('xn--caf-dma.fr')]);
  });

  it('refuses a bad name, naming the field', () => {
    for (const bad of ['', 'localhost', 'a..b.fr', 'sous_tiret.fr', '-x.fr', 'x.123'])
      adding.given().when(add(bad), context).thenThrows('invalid_input', 'domaine');
  });

  it('refuses the cooperative’s own domains and every name under them', () => {
    for (const name of ['ouvaton.org', 'monsite.ouvaton.org', 'a.b.ouvaton.coop', 'ouvaton.coop'])
      adding.given().when(add(name), context).thenThrows('invalid_input', 'domaine');
    const error = adding
      .given()
      .when(add('monsite.ouvaton.org'), context)
      .thenThrows('invalid_input');
    expect(error.message).toContain('se crée comme site web');
  });

  it('refuses a domain the hosting has, or one Gloux holds (here or elsewhere)', () => {
    adding.given().when(add('example.org'), context).thenThrows('name_taken', 'domaine');
    adding.given(added('new.fr')).when(add('NEW.fr'), context).thenThrows('name_taken', 'domaine');
    adding
      .given()
      .when(add('other.fr'), { ...context, takenInGloux: { hostingId: 2 } })
      .thenThrows('name_taken', 'domaine');
  });

  it('refuses any domain on a closed hosting, not on a suspended one', () => {
    adding
      .given()
      .when(add('a.fr'), { ...context, hostingState: 'ferme' })
      .thenThrows('account_closed');
    adding
      .given()
      .when(add('a.fr'), { ...context, hostingState: 'suspendu' })
      .then([added('a.fr')]);
  });
});

describe('removing a domain', () => {
  const nothing = { vhosts: [], mailboxes: [], redirections: [] };

  it('removes a domain of the hosting that nothing uses', () => {
    removing
      .given(added('new.fr'))
      .when({ hostingId: 1, domain: 'new.fr' }, nothing)
      .then([{ type: 'DomainRemoved', data: { hostingId: 1, domain: 'new.fr' } }]);
  });

  it('refuses a domain the hosting does not have', () => {
    removing.given().when({ hostingId: 1, domain: 'other.fr' }, nothing).thenThrows('not_found');
  });

  it('refuses while web spaces or mailboxes use it, listing them', () => {
    const error = removing
      .given()
      .when(
        { hostingId: 1, domain: 'example.org' },
        {
          vhosts: ['www.example.org', 'blog.example.org'],
          mailboxes: ['anne@example.org'],
          redirections: [],
        },
      )
      .thenThrows('in_use', 'domaine');
    expect(error.message).toBe(
      'Le domaine example.org est encore utilisé par les sites web www.example.org, blog.example.org et la boîte aux lettres anne@example.org : supprimez-les d’abord.',
    );
    expect(error.details).toEqual({
      vhosts: ['www.example.org', 'blog.example.org'],
      mailboxes: ['anne@example.org'],
      redirections: [],
    });
  });

  it('refuses while redirections use it, a catch-all included', () => {
    const error = removing
      .given(added('new.fr'))
      .when(
        { hostingId: 1, domain: 'new.fr' },
        { ...nothing, mailboxes: ['a@new.fr'], redirections: ['contact@new.fr', '@new.fr'] },
      )
      .thenThrows('in_use', 'domaine');
    expect(error.message).toBe(
      'Le domaine new.fr est encore utilisé par la boîte aux lettres a@new.fr et les redirections de contact@new.fr, @new.fr : supprimez-les d’abord.',
    );
  });
});

describe('the fold over Gloux’s rows', () => {
  it('gives the same state whether or not the mirror has written the events yet', () => {
    const name = fc.constantFrom('a.fr', 'b.fr', 'c.fr', 'example.org');
    const event = fc.oneof(
      name.map((domain) => added(domain)),
      name.map((domain): DomainNameEvent => ({
        type: 'DomainRemoved',
        data: { hostingId: 1, domain },
      })),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), fc.nat(12), (events, cut) => {
        const mirrored = events.slice(0, Math.min(cut, events.length));
        // Gloux's rows once the mirror wrote the first `cut` events…
        const rows = [...foldHostingDomains(mirrored, gloux).domains].map(([domain, d]) => ({
          domain,
          ...d,
        }));
        // …with the rest folded on top, or with every event folded again (a replay).
        const later = events.slice(mirrored.length);
        const expected = foldHostingDomains(events, gloux).domains;
        expect(foldHostingDomains(later, initialHostingDomainsState(rows)).domains).toEqual(
          expected,
        );
        expect(foldHostingDomains(events, initialHostingDomainsState(rows)).domains).toEqual(
          expected,
        );
      }),
    );
  });
});
