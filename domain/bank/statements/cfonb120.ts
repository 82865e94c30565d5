import { isDay } from '../../shared/day.js';
import { Dec, Money } from '../../shared/money.js';
import { cfonbAccount } from './account.js';
import {
  badFile,
  centsAmount,
  type AccountStatement,
  type ParsedLine,
  type ParsedStatement,
} from './statement.js';

/**
 * CFONB 120 ("relevé de compte 120 caractères"): records 01 (old balance), 04 (movement),
 * 05 (complement of the movement before), 07 (new balance). The amount's last character carries
 * its last digit and sign: '{' A…I are +0…+9, '}' J…R are −0…−9.
 */
const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/**
 * Decodes a 14-character CFONB amount with `decimals` decimals into a signed two-decimal
 * string; a real fraction of a cent is refused (see centsAmount).
 */
export function decodeCfonbAmount(field: string, decimals: number): string {
  if (!/^\d{13}[{}A-R]$/.test(field)) throw new Error(`montant "${field}" invalide`);
  const last = field[13]!;
  const positive = POSITIVE.indexOf(last);
  const negative = NEGATIVE.indexOf(last);
  const digit = positive >= 0 ? positive : negative;
  const units = new Dec(field.slice(0, 13) + String(digit)).div(new Dec(10).pow(decimals));
  const signed = negative >= 0 ? units.negated() : units;
  return centsAmount(signed, field);
}

/** JJMMAA → YYYY-MM-DD (years 00–69 are 20xx, 70–99 19xx). */
function cfonbDay(field: string): string {
  if (!/^\d{6}$/.test(field)) throw new Error(`date "${field}" invalide (JJMMAA attendu)`);
  const yy = Number(field.slice(4, 6));
  const day = `${yy < 70 ? 2000 + yy : 1900 + yy}-${field.slice(2, 4)}-${field.slice(0, 2)}`;
  if (!isDay(day)) throw new Error(`date "${field}" invalide (JJMMAA attendu)`);
  return day;
}

/** Records of a file: one per line, or 120-character blocks when the file has no line breaks. */
function records(text: string): { no: number; rec: string }[] {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0]!.length > 120 && lines[0]!.length % 120 === 0) {
    const one = lines[0]!;
    return Array.from({ length: one.length / 120 }, (_, i) => ({
      no: i + 1,
      rec: one.slice(i * 120, i * 120 + 120),
    }));
  }
  return lines.map((rec, i) => ({ no: i + 1, rec }));
}

type Block = Omit<AccountStatement, 'lines' | 'closing' | 'periodStart'> & {
  lines: (ParsedLine & { complements: string[] })[];
  balance: Money;
};

/**
 * A CFONB 120 file: one block (01 old balance, 04/05 movements, 07 new balance) per account
 * and day; French banks put every account of the customer in the same file. Each block is
 * checked (old balance plus movements is the new balance) and kept as its account's statement.
 */
export function parseCfonb120(text: string): ParsedStatement {
  const recs = records(text);
  if (recs.length === 0) throw badFile(null, 'le fichier est vide.');
  const statements: AccountStatement[] = [];
  let block: Block | null = null;
  let last: Block['lines'][number] | null = null;
  for (const { no, rec } of recs) {
    const at = (message: string) => badFile(no, message);
    if (rec.trim() === '') continue;
    if (rec.length !== 120)
      throw at(`un enregistrement CFONB fait 120 caractères, celui-ci en a ${rec.length}.`);
    const code = rec.slice(0, 2);
    const decimals = Number(rec[19]);
    if (!/^[0-9]$/.test(rec[19]!)) throw at(`nombre de décimales "${rec[19]}" invalide.`);
    const [bank, branch, number] = [rec.slice(2, 7), rec.slice(11, 16), rec.slice(21, 32).trim()];
    const accountHere = cfonbAccount(bank, branch, number);
    const read = <T>(f: () => T): T => {
      try {
        return f();
      } catch (error) {
        throw at(`${(error as Error).message}.`);
      }
    };
    const sameAccount = (what: string) => {
      if (block && accountHere !== block.account)
        throw at(
          `${what} du compte ${bank} ${branch} ${number} au milieu du relevé du compte ${block.account} (sans nouveau solde 07 avant lui).`,
        );
    };
    switch (code) {
      case '01': {
        if (block)
          throw at(
            'ancien solde (01) alors que le relevé précédent n’a pas de nouveau solde (07).',
          );
        const amount = read(() => decodeCfonbAmount(rec.slice(90, 104), decimals));
        block = {
          account: accountHere,
          formerKeys: [`${bank}${branch}${number}`.replace(/\s+/g, '').toUpperCase()],
          currency: rec.slice(16, 19).trim().toUpperCase() || 'EUR',
          opening: { on: read(() => cfonbDay(rec.slice(34, 40))), amount },
          line: no,
          lines: [],
          balance: Money.of(amount),
        };
        last = null;
        break;
      }
      case '04': {
        if (!block) throw at('mouvement (04) avant l’ancien solde (01).');
        sameAccount('mouvement (04)');
        const amount = read(() => decodeCfonbAmount(rec.slice(90, 104), decimals));
        last = {
          bookedOn: read(() => cfonbDay(rec.slice(34, 40))),
          valueOn: read(() => cfonbDay(rec.slice(42, 48))),
          amount,
          label: rec.slice(48, 79).trim(),
          reference: rec.slice(104, 120).trim(),
          bankId: rec.slice(81, 88).trim(),
          line: no,
          complements: [],
        };
        block.lines.push(last);
        block.balance = block.balance.plus(Money.of(amount));
        break;
      }
      case '05':
        if (!last) throw at('complément (05) sans mouvement (04) avant lui.');
        sameAccount('complément (05)');
        last.complements.push(rec.slice(48, 118).trim());
        break;
      case '07': {
        if (!block) throw at('nouveau solde (07) sans ancien solde (01).');
        sameAccount('nouveau solde (07)');
        const amount = read(() => decodeCfonbAmount(rec.slice(90, 104), decimals));
        if (!Money.of(amount).equals(block.balance))
          throw at(
            `le nouveau solde (${amount}) n’est pas l’ancien solde plus les mouvements (${block.balance.toString()}).`,
          );
        statements.push({
          account: block.account,
          formerKeys: block.formerKeys,
          currency: block.currency,
          opening: block.opening,
          periodStart: null,
          line: block.line,
          closing: { on: read(() => cfonbDay(rec.slice(34, 40))), amount },
          lines: block.lines.map(({ complements, ...l }) => ({
            ...l,
            label: [l.label, ...complements].filter((s) => s !== '').join(' '),
          })),
        });
        block = null;
        last = null;
        break;
      }
      default:
        throw at(`code d’enregistrement "${code}" inconnu (01, 04, 05 ou 07 attendu).`);
    }
  }
  if (block)
    throw badFile(
      recs[recs.length - 1]!.no,
      'le relevé se termine sans nouveau solde (07) : fichier tronqué ?',
    );
  if (statements.length === 0)
    throw badFile(null, 'aucun ancien solde (01) : ce n’est pas un relevé CFONB 120.');
  return { format: 'cfonb120', statements };
}
