import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { plural, pluralWord } from '../../domain/shared/plural.js';
import { formatMonthFr } from '../../domain/overage/months.js';
import {
  ALLOCATION_KIND_LABELS,
  METHOD_LABELS,
  MOVEMENT_LABELS,
} from '../../domain/treasury/treasury.js';
import { navigationFor, type NavViewer } from './navigation.js';

const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A count as the templates pass it: a number, or digits. */
const isCount = (n: unknown): n is number | string =>
  typeof n === 'number' || (typeof n === 'string' && /^-?\d+$/.test(n));

type Handlebars = { registerHelper(name: string, fn: (...args: unknown[]) => unknown): void };

/** Formatting for the French pages; amounts stay strings end to end. */
export function registerHelpers(handlebars: Handlebars): void {
  handlebars.registerHelper('euros', (v) =>
    typeof v === 'string' && v !== '' ? formatEuros(v) : '',
  );
  handlebars.registerHelper('day', (v) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDayFr(v) : '',
  );
  /** {{plural n "paiement" "paiements"}} → '1 paiement', '2 paiements' (never '(s)'). */
  handlebars.registerHelper('plural', (n, one, many) =>
    isCount(n) ? plural(n, String(one), String(many)) : '',
  );
  /** {{pluralWord n "rapprochée" "rapprochées"}}: the words alone, agreed with n. */
  handlebars.registerHelper('pluralWord', (n, one, many) =>
    isCount(n) ? pluralWord(n, String(one), String(many)) : String(many),
  );
  /** A stored UTC time ('2026-12-07 05:31:27.988' or ISO) → '07/12/2026 à 06:31', Paris time. */
  handlebars.registerHelper('dateTime', (v) => {
    const text = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '';
    const m =
      /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
    if (!m) return text;
    const at = new Date(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
    return Number.isNaN(at.getTime()) ? text : PARIS_TIME.format(at).replace(' ', ' à ');
  });
  handlebars.registerHelper('eq', (a, b) => a === b);
  /** {{#each (navigation currentUser currentPath)}}: the groups of links this user may follow. */
  handlebars.registerHelper('navigation', (user, path) =>
    navigationFor(
      user && typeof user === 'object' ? (user as NavViewer) : null,
      typeof path === 'string' ? path : '',
    ),
  );
  handlebars.registerHelper('add1', (v) => (typeof v === 'number' ? v + 1 : v));
  handlebars.registerHelper('negative', (v) => typeof v === 'string' && v.startsWith('-'));
  handlebars.registerHelper(
    'positive',
    (v) => typeof v === 'string' && !v.startsWith('-') && /[1-9]/.test(v),
  );
  /** '-30.00' → '30.00' (a debt shown as what is owed). */
  handlebars.registerHelper('abs', (v) => (typeof v === 'string' ? v.replace(/^-/, '') : v));
  handlebars.registerHelper(
    'methodLabel',
    (v) => (METHOD_LABELS as Record<string, string>)[String(v)] ?? String(v),
  );
  handlebars.registerHelper(
    'allocationKind',
    (v) => ALLOCATION_KIND_LABELS[String(v)] ?? String(v),
  );
  handlebars.registerHelper(
    'movementLabel',
    (v) => (MOVEMENT_LABELS as Record<string, string>)[String(v)] ?? String(v),
  );
  /** '12.34' → '12,34 %'; nothing for null. */
  handlebars.registerHelper('percent', (v) =>
    typeof v === 'string' && v !== '' ? `${v.replace('.', ',')} %` : '—',
  );
  /** 'YYYY-MM' → 'février 2026'. */
  handlebars.registerHelper('month', (v) =>
    typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? formatMonthFr(v) : '',
  );
  handlebars.registerHelper(
    'statusLabel',
    (v) => ({ paid: 'Réglée', cancelled: 'Annulée par avoir' })[String(v)] ?? 'À régler',
  );
  handlebars.registerHelper(
    'stateLabel',
    (v) => ({ actif: 'Actif', suspendu: 'Suspendu', ferme: 'Fermé' })[String(v)] ?? String(v),
  );
}
