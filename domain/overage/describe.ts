import type { OverageResource } from './events.js';
import { KO_PER_GO, KO_PER_MO } from './pricing.js';

/** French names of the resources, as the cooperator's page shows them. */
export const RESOURCE_LABELS: Readonly<Record<OverageResource, string>> = {
  disk: 'Espace disque',
  traffic: 'Trafic du mois',
  mail: 'Boîtes mail',
};

const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);

/**
 * A quantity in the resource's display unit, rounded up so that a started unit counts (0.2 Mo
 * over shows as 1 Mo, never 0). Quotas are whole Mo / Go, so used = included + over still holds.
 */
export function formatUsage(resource: OverageResource, amount: number): string {
  switch (resource) {
    case 'disk':
      return `${Math.ceil(amount / KO_PER_MO)} Mo`;
    case 'traffic': {
      const tenths = Math.ceil((amount * 10) / KO_PER_GO);
      const whole = Math.floor(tenths / 10);
      return `${tenths % 10 === 0 ? whole : `${whole},${tenths % 10}`} Go`;
    }
    case 'mail':
      return `${amount} ${plural(amount, 'boîte', 'boîtes')}`;
  }
}

/** "Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement". */
export function describeOverage(
  resource: OverageResource,
  measured: number,
  quota: number,
  excess: number,
): string {
  const used = formatUsage(resource, measured);
  const included = formatUsage(resource, quota);
  const over = formatUsage(resource, excess);
  switch (resource) {
    case 'disk':
      return `${RESOURCE_LABELS.disk} : ${used} utilisés pour ${included} inclus, soit ${over} de dépassement`;
    case 'traffic':
      return `${RESOURCE_LABELS.traffic} : ${used} consommés pour ${included} inclus, soit ${over} de dépassement`;
    case 'mail':
      return `${RESOURCE_LABELS.mail} : ${used} pour ${quota} ${plural(quota, 'incluse', 'incluses')}, soit ${over} de dépassement`;
  }
}
