import { formatEuros, Money } from '../../domain/shared/money.js';

/** What the member's page confirms after an action (carried in its URL by the redirect). */
export interface MemberNotice {
  kind:
    | 'cheque'
    | 'paiement'
    | 'avoir'
    | 'impaye'
    | 'remboursement'
    | 'credit-utilise'
    | 'credit-rembourse';
  /** Document numbers, comma separated. */
  numbers?: string;
  amount?: string;
  /** What went to the member's credit. */
  credit?: string;
}

export function memberPageUrl(customerId: string, notice: MemberNotice): string {
  const params = new URLSearchParams({ avis: notice.kind });
  if (notice.numbers) params.set('numeros', notice.numbers);
  if (notice.amount) params.set('montant', notice.amount);
  if (notice.credit && notice.credit !== '0.00') params.set('credit', notice.credit);
  return `/adherents/${encodeURIComponent(customerId)}?${params.toString()}`;
}

/** An amount from the URL in French, or '' when it is not one (the notice then omits it). */
function euros(v: unknown): string {
  try {
    return formatEuros(Money.of(v));
  } catch {
    return '';
  }
}

const NUMBERS = /^[A-Z0-9-]{1,32}(, [A-Z0-9-]{1,32}){0,50}$/;

/** The French sentence for a notice, or null when the URL carries none. */
export function noticeText(query: Record<string, unknown>): string | null {
  const numbers =
    typeof query.numeros === 'string' && NUMBERS.test(query.numeros) ? query.numeros : '';
  const amount = euros(query.montant);
  const credit = euros(query.credit);
  const onInvoices = numbers
    ? ` (${numbers.includes(',') ? 'factures' : 'facture'} ${numbers})`
    : '';
  const toCredit = credit ? ` Mis au crédit : ${credit}.` : '';
  switch (query.avis) {
    case 'cheque':
      return `Chèque enregistré${onInvoices}.${toCredit}`;
    case 'paiement':
      return `Paiement${amount ? ` de ${amount}` : ''} enregistré${onInvoices}.${toCredit}`;
    case 'avoir':
      return `Avoir${numbers ? ` ${numbers}` : ''} établi${amount ? ` (${amount})` : ''}.${toCredit}`;
    case 'impaye':
      return `Chèque impayé enregistré${amount ? ` : ${amount} repris` : ''}.`;
    case 'remboursement':
      return `Remboursement${amount ? ` de ${amount}` : ''} enregistré.`;
    case 'credit-utilise':
      return `Crédit utilisé${amount ? ` : ${amount}` : ''}${onInvoices}.`;
    case 'credit-rembourse':
      return `Crédit remboursé${amount ? ` : ${amount}` : ''}.`;
    default:
      return null;
  }
}
