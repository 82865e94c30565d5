import { DomainError } from '../shared/errors.js';
import { Dec, Money, parseDecimal, type Dec as Decimal } from '../shared/money.js';
import { lineVat } from '../billing/invoice.js';
import type { MonthlyEstimate, OverageResource } from './events.js';

/** Gloux counts in ko; 1 Mo = 1024 ko and 1 Go = 1024 Mo (binary units, as `du -k` reports). */
export const KO_PER_MO = 1024;
export const KO_PER_GO = 1024 * 1024;

/**
 * The price of one block of excess. Disk and mail are billed per month (pro rata of the days
 * over), traffic per block of the month's excess.
 */
export interface ResourcePrice {
  /** Net (HT) price of one block: per month for disk and mail, once for traffic. Up to 4 decimals. */
  readonly unitNet: string;
  /** Base units per block: ko for disk and traffic, boxes for mail. */
  readonly blockSize: number;
  /** Gloux's 'depassement' product the price comes from (null: configured default). */
  readonly productId: string | null;
}

export type OveragePricing = Readonly<Record<OverageResource, ResourcePrice>>;

/** A row of Gloux's `produits`, as legacy-sync reads it. */
export interface OverageProduct {
  readonly productId: string;
  readonly code: string;
  readonly type: string;
  /** `unite`: 'Mo', 'Go', 'boîte'… */
  readonly unit: string;
  /** `quantite_unite`: how many units one product covers (100 for "100 Mo"). */
  readonly unitQuantity: number;
  /** `prix_ht`, exact decimal string. */
  readonly priceNet: string;
  /** `periodicite`: 'an' | 'mois' | 'unique'. */
  readonly periodicity: string;
}

/** Defaults from the configuration, used when Gloux has no 'depassement' product for a resource. */
export interface PricingDefaults {
  /** Disk price per started block per month; null: the DISQUE100 option's yearly price / 12. */
  readonly diskPricePerMonth: string | null;
  readonly diskBlockMo: number;
  /** Per started Go of monthly traffic above the allowance. */
  readonly trafficPricePerGo: string;
  /** Per box above the included number, per month. */
  readonly mailPricePerMonth: string;
}

/** Built-in default when neither a product nor DISQUE100 gives the disk price. */
const FALLBACK_DISK_PRICE = '0.42';

/** The resource a 'depassement' product prices, from its unit (Gloux has no other marker). */
export function resourceOfProduct(p: OverageProduct): OverageResource | null {
  const unit = p.unit.trim().toLowerCase();
  if (unit === 'mo') return 'disk';
  if (unit === 'go') return 'traffic';
  if (/^(bo[iî]tes?|mails?|bal)$/.test(unit)) return 'mail';
  return null;
}

const fourDecimals = (d: Decimal) => d.toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString();

/** A yearly price becomes a monthly one (price / 12, 4 decimals); monthly and one-off stay. */
function monthlyPrice(p: OverageProduct): string {
  const price = parseDecimal(p.priceNet, 4);
  return fourDecimals(p.periodicity === 'an' ? price.dividedBy(12) : price);
}

function checkedPrice(name: string, value: string): string {
  const d = parseDecimal(value, 4);
  if (d.isNegative()) throw new DomainError('invalid_config', `${name} : prix négatif.`, name);
  return d.toString();
}

/**
 * Prices per resource: Gloux's active 'depassement' products when there are (matched by unit;
 * block = `quantite_unite`), otherwise the configured defaults; the disk default is the price of
 * the DISQUE100 option (100 Mo for a year) divided by 12.
 */
export function overagePricing(
  products: readonly OverageProduct[],
  defaults: PricingDefaults,
): OveragePricing {
  const found = new Map<OverageResource, OverageProduct>();
  for (const p of products) {
    if (p.type !== 'depassement') continue;
    const resource = resourceOfProduct(p);
    if (resource && !found.has(resource)) found.set(resource, p);
  }
  const disk = found.get('disk');
  const traffic = found.get('traffic');
  const mail = found.get('mail');
  const option = products.find((p) => p.code === 'DISQUE100' && p.type === 'option');
  const diskDefault =
    defaults.diskPricePerMonth !== null
      ? checkedPrice('OVERAGE_DISK_PRICE', defaults.diskPricePerMonth)
      : option
        ? monthlyPrice(option)
        : FALLBACK_DISK_PRICE;
  const diskBlockMo =
    defaults.diskPricePerMonth === null && option && option.unitQuantity > 0
      ? option.unitQuantity
      : defaults.diskBlockMo;
  return {
    disk: disk
      ? {
          unitNet: monthlyPrice(disk),
          blockSize: (disk.unitQuantity || 1) * KO_PER_MO,
          productId: disk.productId,
        }
      : { unitNet: diskDefault, blockSize: diskBlockMo * KO_PER_MO, productId: null },
    traffic: traffic
      ? {
          // Traffic is billed per block of the month's excess: the price is per block, whatever the periodicity.
          unitNet: fourDecimals(parseDecimal(traffic.priceNet, 4)),
          blockSize: (traffic.unitQuantity || 1) * KO_PER_GO,
          productId: traffic.productId,
        }
      : {
          unitNet: checkedPrice('OVERAGE_TRAFFIC_PRICE', defaults.trafficPricePerGo),
          blockSize: KO_PER_GO,
          productId: null,
        },
    mail: mail
      ? {
          unitNet: monthlyPrice(mail),
          blockSize: mail.unitQuantity || 1,
          productId: mail.productId,
        }
      : {
          unitNet: checkedPrice('OVERAGE_MAIL_PRICE', defaults.mailPricePerMonth),
          blockSize: 1,
          productId: null,
        },
  };
}

/** Started blocks: 1 ko over a 100 Mo block is one block. */
export function startedBlocks(excess: number, blockSize: number): number {
  return excess <= 0 ? 0 : Math.ceil(excess / blockSize);
}

/** Net, VAT (line rule: round(net × rate)) and total of one line. */
export function priced(net: Money, vatRate: string): { net: string; vat: string; total: string } {
  const vat = lineVat(net, vatRate);
  return { net: net.toString(), vat: vat.toString(), total: net.plus(vat).toString() };
}

/** What a month at `excess` costs: started blocks × the block's price. */
export function monthlyEstimate(
  excess: number,
  price: ResourcePrice,
  vatRate: string,
): MonthlyEstimate {
  const blocks = startedBlocks(excess, price.blockSize);
  const net = Money.round(new Dec(blocks).times(price.unitNet));
  const { total } = priced(net, vatRate);
  return { quantity: String(blocks), unitNet: price.unitNet, net: net.toString(), vatRate, total };
}
