import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import { DomainError } from '../shared/errors.js';
import type { VhostCreated, VhostEvent } from './vhost-events.js';
import {
  decideChangeVhost,
  decideCreateVhost,
  decideRemoveVhost,
  evolveVhostInventory,
  initialVhostInventoryState,
  type ChangeVhost,
  type CreateVhost,
  type RemoveVhost,
} from './vhost-inventory.js';
import { parseRedirection, parseSiteFolder, placeOfHost, type VhostRules } from './vhosts.js';

const rules: VhostRules = {
  platformDomain: 'ouvaton.org',
  ownedDomains: [
    { id: 1, name: 'example.org' },
    { id: 7, name: 'blog.example.org' },
  ],
};

type Command =
  | ({ kind: 'create' } & CreateVhost)
  | ({ kind: 'change' } & ChangeVhost)
  | ({ kind: 'remove' } & RemoveVhost);

const spec = deciderSpec<typeof initialVhostInventoryState, Command, VhostRules, VhostEvent>({
  initial: initialVhostInventoryState,
  evolve: evolveVhostInventory,
  decide: (state, command, context) => {
    switch (command.kind) {
      case 'create':
        return decideCreateVhost(state, command, context);
      case 'change':
        return decideChangeVhost(state, command, context);
      case 'remove':
        return decideRemoveVhost(state, command);
    }
  },
});

const www: VhostCreated = {
  type: 'VhostCreated',
  data: {
    hostingId: 1,
    host: 'www.example.org',
    domainId: 1,
    folder: '/www.example.org',
    aliases: ['example.org'],
    php: '5',
    ssl: true,
    redirection: '',
    enabled: true,
  },
};

describe('web spaces: given/when/then', () => {
  it('creates a site under an owned domain with its defaults, aliases normalised', () => {
    spec
      .given()
      .when(
        {
          kind: 'create',
          hostingId: 1,
          host: ' WWW.Example.org. ',
          aliases: 'example.org, example.org',
        },
        rules,
      )
      .then([www]);
  });

  it('creates a site under the platform domain with domain id 0', () => {
    const [event] = spec
      .given()
      .when({ kind: 'create', hostingId: 1, host: 'monsite.ouvaton.org' }, rules)
      .events();
    expect(event).toMatchObject({ data: { host: 'monsite.ouvaton.org', domainId: 0 } });
  });

  it('takes the longest owned domain as the site’s domain', () => {
    const [event] = spec
      .given()
      .when({ kind: 'create', hostingId: 1, host: 'www.blog.example.org' }, rules)
      .events();
    expect(event?.data).toMatchObject({ domainId: 7 });
  });

  it('refuses a name it already serves, a name of another domain, a reserved platform name', () => {
    spec
      .given(www)
      .when({ kind: 'create', hostingId: 1, host: 'www.example.org' }, rules)
      .thenThrows('conflict', 'nom_hote');
    for (const host of ['www.autre.fr', 'mail.ouvaton.org', 'a.b.ouvaton.org'])
      spec
        .given()
        .when({ kind: 'create', hostingId: 1, host }, rules)
        .thenThrows('invalid_input', 'nom_hote');
  });

  it('refuses an alias outside the owner’s domains or served by another site', () => {
    spec
      .given()
      .when(
        { kind: 'create', hostingId: 1, host: 'www.example.org', aliases: 'x.ouvaton.org' },
        rules,
      )
      .thenThrows('invalid_input', 'alias');
    spec
      .given(www)
      .when(
        { kind: 'create', hostingId: 1, host: 'shop.example.org', aliases: 'example.org' },
        rules,
      )
      .thenThrows('conflict', 'alias');
  });

  it('changes only what is sent, and an unchanged form decides nothing', () => {
    spec
      .given(www)
      .when(
        { kind: 'change', hostingId: 1, host: 'www.example.org', php: 'aucun', enabled: false },
        rules,
      )
      .then([
        {
          type: 'VhostChanged',
          data: {
            hostingId: 1,
            host: 'www.example.org',
            aliases: ['example.org'],
            php: 'aucun',
            ssl: true,
            redirection: '',
            enabled: false,
          },
        },
      ]);
    spec
      .given(www)
      .when({ kind: 'change', hostingId: 1, host: 'www.example.org', php: '5' }, rules)
      .then([]);
    spec
      .given()
      .when({ kind: 'change', hostingId: 1, host: 'www.example.org' }, rules)
      .thenThrows('not_found');
  });

  it('removes a site and names its folder for the deletion job', () => {
    spec
      .given(www)
      .when({ kind: 'remove', hostingId: 1, host: 'www.example.org' }, rules)
      .then([
        {
          type: 'VhostRemoved',
          data: { hostingId: 1, host: 'www.example.org', folder: '/www.example.org' },
        },
      ]);
  });
});

const refusedWith = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof DomainError) return error.field ?? '';
    throw error;
  }
  return 'accepted';
};

describe('web space texts that reach Apache’s configuration', () => {
  it('keeps a folder inside the hosting: no `.` or `..`, a strict alphabet', () => {
    expect(parseSiteFolder('www/blog/')).toBe('/www/blog');
    expect(parseSiteFolder('/')).toBe('/');
    for (const bad of ['../etc', 'www/../..', './x', 'a b', 'www/é', 'x;rm', 'www/.git'])
      expect(refusedWith(() => parseSiteFolder(bad))).toBe('racine');
  });

  it('accepts only absolute http(s) redirections without spaces, quotes or credentials', () => {
    expect(parseRedirection(' https://exemple.fr/page?x=1 ')).toBe('https://exemple.fr/page?x=1');
    expect(parseRedirection('')).toBe('');
    for (const bad of [
      'exemple.fr',
      'ftp://exemple.fr/',
      'https://exemple.fr/a b',
      'https://exemple.fr/"\nRewriteEngine on',
      'https://user:pw@exemple.fr/',
      'javascript:alert(1)',
    ])
      expect(refusedWith(() => parseRedirection(bad))).toBe('redirection');
  });

  it('never lets a folder or a redirection carry a character Apache would read as syntax', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        for (const parse of [parseSiteFolder, parseRedirection]) {
          let out: string | null = null;
          try {
            out = parse(raw);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          if (out !== null) expect(out).not.toMatch(/[\s"'<>\\`]/);
        }
      }),
    );
  });

  it('places a host under the platform only as one label', () => {
    expect(placeOfHost('monsite.ouvaton.org', rules)).toEqual({
      kind: 'platform',
      domain: 'ouvaton.org',
    });
    expect(refusedWith(() => placeOfHost('ouvaton.org', rules))).toBe('nom_hote');
  });
});
