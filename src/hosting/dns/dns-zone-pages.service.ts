import { Inject, Injectable } from '@nestjs/common';
import { exportZone } from '../../../domain/hosting/dns-export.js';
import type { DnsRecord } from '../../../domain/hosting/dns-records.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { readZoneRecords } from '../../../legacy-sync/legacy-zones.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { Db } from '../../kernel/database/db.js';
import { domainInput, editableZone } from './dns.handlers.js';

/** How the page shows a stored record: owner and value as a cooperator reads them. */
function listed(r: DnsRecord, origin: string) {
  const zone = origin.replace(/\.$/, '');
  const name =
    r.name === '' || r.name === origin
      ? '@'
      : r.name.endsWith(`.${origin}`)
        ? r.name.slice(0, -(origin.length + 1))
        : r.name;
  const [weight = '', port = '', target = ''] = r.type === 'SRV' ? r.data.split(' ') : [];
  return {
    name,
    fqdn: name === '@' ? zone : `${name}.${zone}`,
    type: r.type,
    data: r.data,
    value: r.type === 'SRV' ? target : r.data,
    aux: r.aux,
    ttl: r.ttl,
    priority: r.type === 'MX' || r.type === 'SRV' ? String(r.aux) : '',
    weight,
    port,
    key: { nom: r.name === '' ? '@' : r.name, type: r.type, valeur: r.data },
  };
}

/** What the zone page and its JSON twin show of a domain's zone. */
@Injectable()
export class DnsZonePages {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The zone of `rawDomain` if it is hosting `id`'s, for `user`. */
  async zone(user: AuthUser, id: string, rawDomain: string) {
    return this.db.run(async (q) => {
      const zone = await editableZone(q, user, domainInput(rawDomain));
      if (String(zone.hostingId) !== id)
        throw new DomainError(
          'not_found',
          `Le domaine ${zone.domain} ne fait pas partie de cet hébergement.`,
          'domaine',
        );
      const records = await readZoneRecords(q, zone.soa.id);
      return {
        hostingId: zone.hostingId,
        domain: zone.domain,
        origin: zone.soa.origin,
        serial: zone.soa.serial,
        served: zone.soa.active,
        mxManaged: zone.mxManaged,
        records: records.map((r) => ({
          ...listed(r, zone.soa.origin),
          // Kept by Ouvaton while it hosts the domain's mail: no form for them.
          managed: zone.mxManaged && r.type === 'MX',
        })),
        bind: exportZone(zone.soa, records),
      };
    });
  }
}
