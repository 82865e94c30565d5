import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import type { RedirectionEvent } from './redirection-events.js';
import {
  decideChangeRedirection,
  decideCreateRedirection,
  decideRemoveRedirection,
  destinationsOf,
  destinationsText,
  findLoop,
  foldRedirections,
  initialRedirectionsState,
  parseDestinations,
  parseMailAddress,
  parseRedirectionSource,
  type RedirectionContext,
  type RedirectionForm,
  type RedirectionsState,
} from './redirections.js';

/** node:url's domainToASCII in the handler; the one IDN of these specs here. */
const toAscii = (d: string) => (d === 'café.fr' ? 'xn--caf-dma.fr' : '');

/** Hosting 1 as the sample has it: example.org (mail here), anne@ a box, Gloux's two rows. */
const context: RedirectionContext = {
  facts: {
    hostingId: 1,
    closed: false,
    domains: [
      { name: 'example.org', mailHere: true },
      { name: 'autre.example', mailHere: false },
    ],
    mailboxes: new Set(['anne@example.org', 'bob@example.org']),
  },
  actor: 'test',
  toAscii,
};
const gloux = initialRedirectionsState([
  {
    source: 'contact@example.org',
    destinations: ['anne@example.org', 'anne.lefevre@fai.example'],
    keepCopy: false,
    active: true,
  },
  { source: '@example.org', destinations: ['anne@example.org'], keepCopy: false, active: true },
]);
const form = (source: string, destinations: string, keepCopy = false): RedirectionForm => ({
  source,
  destinations,
  keepCopy,
});

/** The refusal and every message it carries (formRefusal lists them in details.errors). */
function refusal(run: () => unknown): { code: string; messages: string[]; fields: string[] } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const listed = (error.details?.errors as { field: string; message: string }[] | undefined) ?? [
      { field: error.field ?? '', message: error.message },
    ];
    return {
      code: error.code,
      messages: listed.map((e) => e.message),
      fields: listed.map((e) => e.field),
    };
  }
  throw new Error('not refused');
}

describe('addresses of a redirection', () => {
  it('lower-cases, turns a unicode domain into punycode, keeps + = - . _', () => {
    expect(parseMailAddress(' Jean.Dupont+News@Café.FR ', toAscii)).toBe(
      'jean.dupont+news@xn--caf-dma.fr',
    );
    expect(parseRedirectionSource('@Example.ORG', toAscii)).toBe('@example.org');
    expect(parseRedirectionSource('example.org', toAscii)).toBe('@example.org');
  });

  it('refuses pipes, files, :include:, spaces, quotes, a unicode local part, 255+ characters', () => {
    const bad: readonly [string, string][] = [
      ['|/usr/bin/evil', 'commande'],
      ['"|cat"@example.org', 'sans accent'],
      ['/var/mail/anne', 'fichier'],
      ['~/mbox', 'fichier'],
      [':include:/etc/list', ':include:'],
      ['anne @example.org', 'espace'],
      ['an\tne@example.org', 'espace'],
      ['élodie@example.org', 'sans accent'],
      ['a|b@example.org', 'sans accent'],
      ['a/b@example.org', 'sans accent'],
      ['a..b@example.org', 'doublé'],
      ['anne', 'nom@domaine'],
      ['a@b@example.org', 'nom@domaine'],
      ['anne@localhost', 'domaine'],
      [`${'a'.repeat(65)}@example.org`, '64'],
      [`${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.eeeee.fr`, '255'],
    ];
    for (const [address, why] of bad) {
      const refused = refusal(() => parseMailAddress(address, toAscii));
      expect([address, refused.code]).toEqual([address, 'invalid_input']);
      expect(refused.messages[0]).toContain(why);
    }
  });

  it('lists every bad destination at once, and de-duplicates the good ones', () => {
    const parsed = parseDestinations('A@x.fr, a@x.fr;|cmd\n/tmp/f , b@y.fr', toAscii);
    expect(parsed.destinations).toEqual(['a@x.fr', 'b@y.fr']);
    expect(parsed.errors).toHaveLength(2);
    expect(parseDestinations(' , ', toAscii).errors[0]!.message).toContain('au moins une');
  });

  it('property: what it accepts reads back the same from Gloux’s comma-joined column', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const local = fc.stringMatching(/^[A-Za-z0-9_+=-]{1,10}(\.[A-Za-z0-9_+=-]{1,10}){0,2}$/);
    const address = fc
      .tuple(local, fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('fr', 'org'))
      .map(([l, labels, tld]) => `${l}@${[...labels, tld].join('.')}`);
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 12 }), (typed) => {
        const { destinations, errors } = parseDestinations(typed.join(' ,\n'), toAscii);
        expect(errors).toEqual([]);
        expect(new Set(destinations).size).toBe(destinations.length);
        expect(destinations.every((d) => d === d.toLowerCase())).toBe(true);
        expect(destinationsOf(destinationsText(destinations))).toEqual(destinations);
        expect(destinationsText(destinations)).not.toMatch(/[\s|/"]/);
      }),
    );
  });
});

describe('creating a redirection', () => {
  it('records the source and its destinations, with a warning for an external one (SPF)', () => {
    const decided = decideCreateRedirection(
      gloux,
      form('Bob@Example.org', 'anne@example.org, Bob.Dupont@FAI.example', true),
      context,
    );
    expect(decided.events).toEqual([
      {
        type: 'RedirectionCreated',
        data: {
          hostingId: 1,
          source: 'bob@example.org',
          destinations: ['anne@example.org', 'bob.dupont@fai.example'],
          keepCopy: true,
          actor: 'test',
        },
      },
    ]);
    expect(decided.warnings).toHaveLength(1);
    expect(decided.warnings[0]).toContain('SPF');
    const inside = decideCreateRedirection(
      gloux,
      form('info@example.org', 'anne@example.org'),
      context,
    );
    expect(inside.warnings).toEqual([]);
  });

  it('refuses a source on a domain not the hosting’s, or whose mail is elsewhere', () => {
    const notTheirs = refusal(() =>
      decideCreateRedirection(gloux, form('@lesamis.example', 'anne@example.org'), context),
    );
    expect(notTheirs.fields).toEqual(['source']);
    expect(notTheirs.messages[0]).toContain('n’est pas un domaine de cet hébergement');
    const elsewhere = refusal(() =>
      decideCreateRedirection(gloux, form('x@autre.example', 'anne@example.org'), context),
    );
    expect(elsewhere.messages[0]).toContain('n’est pas hébergé à Ouvaton');
  });

  it('refuses a second redirection of a source, Gloux’s own rows included', () => {
    for (const source of ['contact@example.org', '@example.org']) {
      const refused = refusal(() =>
        decideCreateRedirection(gloux, form(source, 'bob@example.org'), context),
      );
      expect([refused.code, refused.fields]).toEqual(['name_taken', ['source']]);
    }
  });

  it('keeps a copy only for a real box, never for a catch-all', () => {
    const catchAll = refusal(() =>
      decideCreateRedirection(
        initialRedirectionsState(),
        form('@example.org', 'anne@example.org', true),
        context,
      ),
    );
    expect(catchAll.fields).toEqual(['garder_copie']);
    const noBox = refusal(() =>
      decideCreateRedirection(gloux, form('info@example.org', 'anne@example.org', true), context),
    );
    expect(noBox.messages[0]).toContain('n’est pas une boîte');
  });

  it('lists every error of the form at once', () => {
    const refused = refusal(() =>
      decideCreateRedirection(gloux, form('@lesamis.example', '|cmd, /tmp/x', true), context),
    );
    expect(refused.fields).toEqual(['source', 'destinations', 'destinations']);
  });

  it('refuses a loop among the hosting’s addresses: a → b → a, longer, through the catch-all', () => {
    const empty = initialRedirectionsState();
    const a = decideCreateRedirection(empty, form('a@example.org', 'b@example.org'), context);
    const state = foldRedirections(a.events);
    const back = refusal(() =>
      decideCreateRedirection(state, form('b@example.org', 'A@example.org'), context),
    );
    expect(back.messages[0]).toContain('b@example.org → a@example.org → b@example.org');
    // The catch-all sends x@ (no box, no redirection of its own) back to itself.
    const viaCatchAll = refusal(() =>
      decideCreateRedirection(empty, form('@example.org', 'x@example.org'), context),
    );
    expect(viaCatchAll.messages[0]).toContain('@example.org (tout le domaine) → x@example.org');
    // Gloux's catch-all counts: a new address sent to an unknown one loops back through it.
    expect(
      refusal(() =>
        decideCreateRedirection(
          foldRedirections(
            [],
            initialRedirectionsState([
              {
                source: '@example.org',
                destinations: ['nobody@example.org'],
                keepCopy: false,
                active: true,
              },
            ]),
          ),
          form('new@example.org', 'nobody@example.org'),
          context,
        ),
      ).messages[0],
    ).toContain('boucle');
    // A box keeping a copy and a real box behind the catch-all are no loop.
    expect(
      decideCreateRedirection(gloux, form('bob@example.org', 'anne@example.org', true), context)
        .events,
    ).toHaveLength(1);
    expect(
      refusal(() =>
        decideCreateRedirection(gloux, form('bob@example.org', 'bob@example.org', true), context),
      ).messages[0],
    ).toContain('elle-même');
  });

  it('property: closing any chain of redirections into a ring is refused, naming the ring', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.boolean(), (n, viaCatchAll) => {
        const addr = (i: number) => `r${i}@example.org`;
        let state: RedirectionsState = initialRedirectionsState();
        for (let i = 0; i < n; i++) {
          const decided = decideCreateRedirection(state, form(addr(i), addr(i + 1)), context);
          expect(
            findLoop(addr(i), foldRedirections(decided.events, state).redirections, context.facts),
          ).toBeNull();
          state = foldRedirections(decided.events, state);
        }
        // r<n> has no redirection: it is closed either directly or through the catch-all.
        const last = viaCatchAll ? form('@example.org', addr(0)) : form(addr(n), addr(0));
        const refused = refusal(() => decideCreateRedirection(state, last, context));
        expect(refused.messages[0]).toContain('boucle');
        expect(refused.messages[0]).toContain(addr(0));
      }),
    );
  });
});

describe('changing and removing a redirection', () => {
  it('changes Gloux’s own row, and nothing when nothing changes', () => {
    const changed = decideChangeRedirection(
      gloux,
      form('contact@example.org', 'bob@example.org'),
      context,
    );
    expect(changed.events).toEqual([
      {
        type: 'RedirectionChanged',
        data: {
          hostingId: 1,
          source: 'contact@example.org',
          destinations: ['bob@example.org'],
          keepCopy: false,
          actor: 'test',
        },
      },
    ]);
    expect(
      decideChangeRedirection(
        gloux,
        form('contact@example.org', 'anne@example.org,anne.lefevre@fai.example'),
        context,
      ).events,
    ).toEqual([]);
    expect(
      refusal(() =>
        decideChangeRedirection(gloux, form('nope@example.org', 'bob@example.org'), context),
      ).code,
    ).toBe('not_found');
  });

  it('removes, unless the address would then loop through the catch-all', () => {
    const state = initialRedirectionsState([
      { source: '@example.org', destinations: ['x@example.org'], keepCopy: false, active: true },
      {
        source: 'x@example.org',
        destinations: ['anne@example.org'],
        keepCopy: false,
        active: true,
      },
    ]);
    const refused = refusal(() =>
      decideRemoveRedirection(state, { source: 'x@example.org' }, context),
    );
    expect(refused.messages[0]).toContain('boucle');
    const removed: RedirectionEvent[] = [
      ...decideRemoveRedirection(state, { source: '@example.org' }, context).events,
    ];
    expect(removed).toEqual([
      { type: 'RedirectionRemoved', data: { hostingId: 1, source: '@example.org', actor: 'test' } },
    ]);
    expect(
      decideRemoveRedirection(
        foldRedirections(removed, state),
        { source: 'x@example.org' },
        context,
      ).events,
    ).toHaveLength(1);
  });

  it('refuses every change on a closed hosting', () => {
    const closed = { ...context, facts: { ...context.facts, closed: true } };
    expect(
      refusal(() => decideRemoveRedirection(gloux, { source: '@example.org' }, closed)).code,
    ).toBe('account_closed');
  });
});
