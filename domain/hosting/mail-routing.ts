import { DomainError } from '../shared/errors.js';
import { INFRASTRUCTURE_TTL, OUVATON_MX, OUVATON_MX_PREFERENCE } from './default-zone.js';
import type { DnsRecordAdded, DnsRecordRemoved } from './dns-events.js';
import type { DnsRecord } from './dns-records.js';
import type { DomainMailHostingChanged } from './domain-events.js';
import type { HostingDomainsState } from './domains.js';
import { canonicalRecord, type ZoneState } from './zone.js';

/**
 * Where a domain's mail goes, and Ouvaton's MX kept in step with the addresses hosted here
 * (issue 19, "MX handled transparently").
 *
 * - Adding the first box or redirection of a domain whose mail Ouvaton hosts (`gere_mx = 'O'`)
 *   writes `MX 10 mx.ouvaton.coop.` in its zone when the zone is served here and has no MX to
 *   Ouvaton yet (`decideMailMx`, run by the follower of src/hosting/mail/mail-mx.ts).
 * - Once no address is left, the owner may stop Ouvaton hosting the mail: Ouvaton's MX records
 *   go and `gere_mx` becomes 'N', so the MX can then be pointed elsewhere by hand
 *   (`decideDomainMail`, `hosted: false`). Turning it back on writes the MX again, but never
 *   over MX records that send the mail elsewhere: those are the cooperator's to remove first,
 *   or every address of the domain kept elsewhere would stop receiving mail.
 */

/** Ouvaton's MX record, as Gloux's zones hold it (domain/hosting/default-zone.ts). */
export const OUVATON_MX_RECORD: DnsRecord = {
  name: '',
  type: 'MX',
  data: OUVATON_MX,
  aux: OUVATON_MX_PREFERENCE,
  ttl: INFRASTRUCTURE_TTL,
};

/** The MX to give a DNS provider elsewhere, as a zone file line would say it. */
export const OUVATON_MX_TEXT = `MX ${OUVATON_MX_PREFERENCE} ${OUVATON_MX}`;

/**
 * Where mail sent to the domain goes, read from its zone's apex MX records:
 * - `ouvaton`: every MX of the best (lowest) preference points at Ouvaton;
 * - `elsewhere`: some point elsewhere (`targets`: those, without the trailing dot);
 * - `no_mx`: the zone has no MX at all (senders then try the domain's own address, where no
 *   mail server listens: the mail is refused);
 * - `not_served`: the zone is not served here; `expected` is the MX to set at its DNS provider.
 */
export type MailRouting =
  | { readonly kind: 'ouvaton' }
  | { readonly kind: 'elsewhere'; readonly targets: readonly string[] }
  | { readonly kind: 'no_mx' }
  | { readonly kind: 'not_served'; readonly expected: string };

/** A zone served here (`soa.active = 'Y'`), or null when its DNS is served elsewhere. */
export type ServedZone = ZoneState | null;

const isOuvatonMx = (r: DnsRecord) => r.type === 'MX' && r.data === OUVATON_MX;

/** The zone's apex MX records, read the way MyDNS serves them (relative targets completed). */
function apexMx(zone: ZoneState): DnsRecord[] {
  return zone.records
    .map((r) => canonicalRecord(r, zone.origin))
    .filter((r) => r.type === 'MX' && r.name === '');
}

export function mailRouting(zone: ServedZone): MailRouting {
  if (!zone) return { kind: 'not_served', expected: OUVATON_MX_TEXT };
  const mx = apexMx(zone);
  if (mx.length === 0) return { kind: 'no_mx' };
  const best = Math.min(...mx.map((r) => r.aux));
  const others = mx.filter((r) => r.aux === best && !isOuvatonMx(r));
  if (others.length === 0) return { kind: 'ouvaton' };
  return {
    kind: 'elsewhere',
    targets: [...new Set(others.map((r) => r.data.replace(/\.$/, '')))],
  };
}

/** What a cooperator reads about it, in French (the mail section, the CLI). */
export function mailRoutingSentence(domain: string, routing: MailRouting): string {
  switch (routing.kind) {
    case 'ouvaton':
      return `Le courrier de ${domain} arrive à Ouvaton (MX vers mx.ouvaton.coop).`;
    case 'elsewhere':
      return `Le courrier de ${domain} est envoyé ailleurs, à ${routing.targets.join(', ')} (enregistrement MX) : les boîtes créées ici ne le recevront pas.`;
    case 'no_mx':
      return `La zone de ${domain} n’a aucun enregistrement MX : le courrier envoyé à ce domaine est refusé.`;
    case 'not_served':
      return `La zone DNS de ${domain} n’est pas servie par Ouvaton : pour recevoir le courrier ici, indiquez chez votre prestataire DNS l’enregistrement « ${routing.expected} ».`;
  }
}

const added = (zone: ZoneState, record: DnsRecord): DnsRecordAdded => ({
  type: 'DnsRecordAdded',
  data: { soaId: zone.soaId, origin: zone.origin, record },
});

/**
 * Ouvaton's MX for a zone served here whose domain now has mail hosted here: nothing when an
 * apex MX already points at Ouvaton (so a replay, or a second box, adds nothing twice).
 */
export function decideMailMx(zone: ZoneState): readonly DnsRecordAdded[] {
  if (apexMx(zone).some(isOuvatonMx)) return [];
  return [added(zone, OUVATON_MX_RECORD)];
}

/** Ouvaton's apex MX records of the zone, removed as stored (Gloux's rows may be relative). */
function removeOuvatonMx(zone: ZoneState): DnsRecordRemoved[] {
  return zone.records
    .filter((r) => {
      const c = canonicalRecord(r, zone.origin);
      return c.name === '' && isOuvatonMx(c);
    })
    .map((record) => ({
      type: 'DnsRecordRemoved',
      data: { soaId: zone.soaId, origin: zone.origin, record },
    }));
}

export interface SetDomainMail {
  readonly hostingId: number;
  /** `domaines.domaine` (A-labels). */
  readonly domain: string;
  /** Shown in messages (Unicode). */
  readonly display: string;
  readonly hosted: boolean;
  readonly actor: string;
}

export interface SetDomainMailContext {
  /** The domain's zone when served here (its records as a command decides on them). */
  readonly zone: ServedZone;
  /** The addresses (boxes, deletions pending included, and redirections) of the domain. */
  readonly addresses: readonly string[];
}

export interface DomainMailDecision {
  readonly hosting: readonly DomainMailHostingChanged[];
  readonly zone: readonly (DnsRecordAdded | DnsRecordRemoved)[];
}

/**
 * Turns the hosting of a domain's mail on or off. Asking for what already holds records
 * nothing but completes the MX (on: written if missing; off: Ouvaton's removed if left).
 */
export function decideDomainMail(
  state: HostingDomainsState,
  command: SetDomainMail,
  context: SetDomainMailContext,
): DomainMailDecision {
  const held = state.domains.get(command.domain);
  if (!held)
    throw new DomainError(
      'not_found',
      `Le domaine ${command.display} ne fait pas partie de cet hébergement.`,
      'domaine',
    );
  const { zone } = context;
  const hosting: DomainMailHostingChanged[] =
    held.manageMx === command.hosted
      ? []
      : [
          {
            type: 'DomainMailHostingChanged',
            data: {
              hostingId: command.hostingId,
              domain: command.domain,
              manageMx: command.hosted,
              actor: command.actor,
            },
          },
        ];
  if (!command.hosted) {
    if (context.addresses.length > 0)
      throw new DomainError(
        'in_use',
        `Le domaine ${command.display} a encore ${context.addresses.length === 1 ? 'une adresse' : `${context.addresses.length} adresses`} à Ouvaton (${context.addresses.join(', ')}) : supprimez-les d’abord, puis retirez les enregistrements MX.`,
        'domaine',
        { addresses: context.addresses },
      );
    return { hosting, zone: zone ? removeOuvatonMx(zone) : [] };
  }
  const routing = mailRouting(zone);
  if (routing.kind === 'elsewhere')
    throw new DomainError(
      'conflict',
      `Le courrier de ${command.display} est aujourd’hui envoyé à ${routing.targets.join(', ')} (enregistrement MX de sa zone). Pour le recevoir à Ouvaton, retirez d’abord ces enregistrements MX dans la zone DNS du domaine : le courrier des adresses gardées là-bas ne sera plus reçu.`,
      'domaine',
      { targets: routing.targets },
    );
  return { hosting, zone: zone ? decideMailMx(zone) : [] };
}
