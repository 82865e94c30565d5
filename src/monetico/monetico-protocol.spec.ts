import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  cgi2Answer,
  compareBytes,
  computeMac,
  contexteCommande,
  currentMacString,
  decodeKey,
  formatMontant,
  formatNotificationDate,
  formatRequestDate,
  isReference,
  judgeNotification,
  legacyMacString,
  macEquals,
  MoneticoKeyError,
  newReference,
  notificationDay,
  parseNotification,
  sealedRequest,
  verifyMac,
  type StoredRequest,
} from '../../domain/monetico/monetico.js';
import { Dec, Money } from '../../domain/shared/money.js';
import { CURRENT_VECTOR, LEGACY_VECTOR } from '../../domain/monetico/test-vectors.js';
import { hmacSha1, randomReference } from './monetico-crypto.js';
import { loadMoneticoConfig } from '../kernel/config.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Monetico public test vectors', () => {
  it('legacy scheme: the fixed nine fields and ten stars, sealed under key 123456', () => {
    expect(legacyMacString(LEGACY_VECTOR.fields)).toBe(LEGACY_VECTOR.string);
    expect(hex(decodeKey(LEGACY_VECTOR.key))).toBe('123456');
    expect(computeMac(LEGACY_VECTOR.fields, 'legacy', decodeKey(LEGACY_VECTOR.key), hmacSha1)).toBe(
      LEGACY_VECTOR.mac,
    );
  });

  it('current scheme: every field sorted by key, under the kit demo key', () => {
    const fields = { ...CURRENT_VECTOR.fields, MAC: 'ignored' };
    expect(currentMacString(fields)).toBe(
      'TPE=0000001*contexte_commande=eyJiaWxsaW5nIjp7ImFkZHJlc3NMaW5lMSI6IjEgcnVlIGRlIGxhIFBhaXgiLCJjaXR5IjoiUGFyaXMiLCJwb3N0YWxDb2RlIjoiNzUwMDIiLCJjb3VudHJ5IjoiRlIifX0=*date=05/03/2024:14:30:00*lgue=FR*mail=client@example.com*montant=12.34EUR*reference=FAC000123*societe=abcdefghij*texte-libre=Facture FAC000123*url_retour_err=https://shop.example/ko*url_retour_ok=https://shop.example/ok*version=3.0',
    );
    expect(computeMac(fields, 'current', decodeKey(CURRENT_VECTOR.key), hmacSha1)).toBe(
      CURRENT_VECTOR.mac,
    );
    expect(
      verifyMac(
        { ...CURRENT_VECTOR.fields, MAC: CURRENT_VECTOR.mac.toUpperCase() },
        'current',
        decodeKey(CURRENT_VECTOR.key),
        hmacSha1,
      ),
    ).toBe(true);
  });

  it('contexte_commande of the vector is the base64 of the billing address JSON', () => {
    expect(
      contexteCommande({
        addressLine1: '1 rue de la Paix',
        city: 'Paris',
        postalCode: '75002',
        country: 'FR',
      }),
    ).toBe(CURRENT_VECTOR.fields.contexte_commande);
  });

  it('sealedRequest builds the vector form from its parts', () => {
    const fields = sealedRequest(
      {
        tpe: '0000001',
        societe: 'abcdefghij',
        // 05/03/2024 14:30:00 in Paris (UTC+1 in March before the change).
        instant: new Date('2024-03-05T13:30:00Z'),
        amount: Money.of('12.34'),
        reference: 'FAC000123',
        mail: 'client@example.com',
        texteLibre: 'Facture FAC000123',
        urlOk: 'https://shop.example/ok',
        urlErr: 'https://shop.example/ko',
        address: {
          addressLine1: '1 rue de la Paix',
          city: 'Paris',
          postalCode: '75002',
          country: 'FR',
        },
      },
      'current',
      decodeKey(CURRENT_VECTOR.key),
      hmacSha1,
    );
    expect(fields).toEqual({ ...CURRENT_VECTOR.fields, MAC: CURRENT_VECTOR.mac });
  });
});

describe('key decoding', () => {
  it('replaces a legacy letter G..Z in position 39 by its code minus 23', () => {
    expect(hex(decodeKey('12345678901234567890123456789012345678P0'))).toBe(
      '1234567890123456789012345678901234567890',
    );
    expect(hex(decodeKey('12345678901234567890123456789012345678G5'))).toBe(
      '1234567890123456789012345678901234567805',
    );
  });

  it('replaces an M in position 40 by 0', () => {
    expect(hex(decodeKey('123456789012345678901234567890123456789M'))).toBe(
      '1234567890123456789012345678901234567890',
    );
  });

  it('accepts plain hex in either case, 20 bytes for 40 characters', () => {
    const key = 'ABCDEFabcdef0123456789abcdef0123456789AB';
    expect(decodeKey(key)).toHaveLength(20);
    expect(hex(decodeKey(key))).toBe(key.toLowerCase());
  });

  it('refuses anything else without showing the key', () => {
    const secret = 'zz345678901234567890123456789012345678P0';
    let error: unknown;
    try {
      decodeKey(secret);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoneticoKeyError);
    expect(String((error as Error).message)).not.toContain('zz3456');
    expect(() => decodeKey('123')).toThrow(MoneticoKeyError);
  });

  it('the configured key never shows in JSON, strings or inspection', async () => {
    const { inspect } = await import('node:util');
    const config = loadMoneticoConfig({
      MONETICO_URL: 'https://p.monetico-services.com/test/paiement.cgi',
      MONETICO_KEY: CURRENT_VECTOR.key,
      MONETICO_TPE: '0000001',
      MONETICO_SOCIETE: 'abcdefghij',
    });
    expect(config.mode).toBe('test');
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      String(config.key),
    ]) {
      expect(text).not.toContain('12345678901234567890');
      expect(text).not.toContain('18,52,86');
    }
    expect(() =>
      loadMoneticoConfig({
        MONETICO_URL: 'https://bank/x',
        MONETICO_KEY: 'short',
        MONETICO_TPE: '0000001',
        MONETICO_SOCIETE: 'x',
      }),
    ).toThrow(/MONETICO_KEY/);
  });
});

describe('formats', () => {
  it('montant always has two decimals and EUR', () => {
    expect(formatMontant(Money.of('24.8'))).toBe('24.80EUR');
    expect(formatMontant('120')).toBe('120.00EUR');
    expect(formatMontant(Money.round(new Dec('0.005')))).toBe('0.01EUR');
  });

  it('dates are Paris time in the request and notification formats', () => {
    const summer = new Date('2026-07-14T22:30:05Z');
    expect(formatRequestDate(summer)).toBe('15/07/2026:00:30:05');
    expect(formatNotificationDate(summer)).toBe('15/07/2026_a_00:30:05');
    expect(notificationDay('15/07/2026_a_00:30:05')).toBe('2026-07-15');
    expect(notificationDay('31/02/2026_a_10:00:00')).toBeNull();
    expect(notificationDay('15/07/2026:00:30:05')).toBeNull();
  });

  it('references are at most 12 alphanumerics, and random ones differ', () => {
    const refs = new Set(Array.from({ length: 2000 }, () => randomReference()));
    expect(refs.size).toBe(2000);
    for (const r of refs) expect(isReference(r) && r.length === 12).toBe(true);
    expect(isReference('ABC-1')).toBe(false);
    expect(isReference('A'.repeat(13))).toBe(false);
    expect(newReference(new Uint8Array(11))).toBe('PAAAAAAAAAAA');
  });

  it('the CGI2 answer reports the seal check', () => {
    expect(cgi2Answer(true)).toBe('version=2\ncdr=0\n');
    expect(cgi2Answer(false)).toBe('version=2\ncdr=1\n');
  });
});

describe('properties', () => {
  const key = decodeKey(CURRENT_VECTOR.key);
  const fieldName = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
  const fieldsArb = fc.dictionary(fieldName, fc.string({ maxLength: 20 }), {
    minKeys: 1,
    maxKeys: 12,
  });

  it('the current scheme sorts keys in UTF-8 byte order, whatever their characters', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }), {
          maxLength: 10,
        }),
        (keys) => {
          // Well-formed keys (a lone surrogate has no UTF-8 bytes) without the separators.
          const fields = Object.fromEntries(
            keys
              .filter((k) => !/[=*]/.test(k) && k !== 'MAC' && Buffer.from(k).toString() === k)
              .map((k) => [k, 'v']),
          );
          const order = currentMacString(fields)
            .split('*')
            .filter((s) => s !== '')
            .map((part) => part.slice(0, part.lastIndexOf('=')));
          for (let i = 1; i < order.length; i++) {
            expect(Buffer.compare(Buffer.from(order[i - 1]!), Buffer.from(order[i]!))).toBeLessThan(
              0,
            );
          }
          // JS's default sort agrees on the field names the bank uses (ASCII).
          const ascii = keys.filter((k) => /^[\x20-\x7e]+$/.test(k));
          expect([...ascii].sort(compareBytes)).toEqual([...ascii].sort());
        },
      ),
    );
  });

  it('changing any field (name or value), adding or removing one, changes the MAC', () => {
    fc.assert(
      fc.property(
        fieldsArb,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 5 }),
        fc.constantFrom('value', 'add', 'remove'),
        (fields, pick, extra, how) => {
          const names = Object.keys(fields).filter((k) => k !== 'MAC');
          fc.pre(names.length > 0);
          const name = names[pick % names.length]!;
          const tampered: Record<string, string> = { ...fields };
          if (how === 'value') tampered[name] = fields[name] + extra;
          else if (how === 'remove') delete tampered[name];
          else {
            fc.pre(!(`${name}x` in fields));
            tampered[`${name}x`] = extra;
          }
          const mac = computeMac(fields, 'current', key, hmacSha1);
          expect(verifyMac({ ...tampered, MAC: mac }, 'current', key, hmacSha1)).toBe(false);
          expect(verifyMac({ ...fields, MAC: mac }, 'current', key, hmacSha1)).toBe(true);
        },
      ),
    );
  });

  it('any change of a sealed legacy field changes the legacy MAC', () => {
    const names = Object.keys(LEGACY_VECTOR.fields) as (keyof typeof LEGACY_VECTOR.fields)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.string({ minLength: 1, maxLength: 4 }),
        (name, extra) => {
          const tampered = { ...LEGACY_VECTOR.fields, [name]: LEGACY_VECTOR.fields[name] + extra };
          expect(computeMac(tampered, 'legacy', decodeKey('123456'), hmacSha1)).not.toBe(
            LEGACY_VECTOR.mac,
          );
        },
      ),
    );
  });

  it('the comparison is case-insensitive and only true for the same seal', () => {
    const hexString = fc.stringMatching(/^[0-9a-f]{40}$/);
    fc.assert(
      fc.property(
        hexString,
        hexString,
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (a, b, upper) => {
          const mixed = [...a].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          expect(macEquals(a, mixed)).toBe(true);
          expect(macEquals(mixed, a.toUpperCase())).toBe(true);
          expect(macEquals(a, b)).toBe(a === b);
          expect(macEquals(a, a.slice(0, 39))).toBe(false);
        },
      ),
    );
  });
});

describe('notifications', () => {
  const sealed = (fields: Record<string, string>) => ({
    ...fields,
    MAC: computeMac(fields, 'current', decodeKey(CURRENT_VECTOR.key), hmacSha1),
  });
  const base = {
    TPE: '0000001',
    date: '25/11/2026_a_10:00:00',
    montant: '120.00EUR',
    reference: 'PABCDEFGHJKL',
    'texte-libre': 'Facture F2026-000001 client 3',
    'code-retour': 'payetest',
    cvx: 'oui',
    motifrefus: '',
  };
  const request: StoredRequest = {
    reference: 'PABCDEFGHJKL',
    invoiceId: 'inv-1',
    customerId: '3',
    amount: '120.00',
    texteLibre: 'Facture F2026-000001 client 3',
  };
  const ctx = { tpe: '0000001', mode: 'test' as const, today: '2026-11-25' };

  it('parses a well-formed notification (empty fields included)', () => {
    const parsed = parseNotification(Object.entries(sealed(base)));
    expect(parsed.ok).toBe(true);
  });

  it('refuses duplicates, huge values, odd names and missing fields, naming the field only', () => {
    const pairs = Object.entries(sealed(base));
    const cases: [[string, string][], RegExp][] = [
      [[...pairs, ['montant', '1.00EUR']], /montant en double/],
      [[...pairs.filter(([k]) => k !== 'cvx'), ['cvx', 'x'.repeat(5000)]], /cvx trop long \(5000/],
      [[...pairs, ['bad name', '']], /nom de champ invalide/],
      [pairs.filter(([k]) => k !== 'MAC'), /MAC absent/],
      [pairs.map(([k, v]) => [k, k === 'MAC' ? 'zz' : v]), /MAC mal formé/],
      [pairs.map(([k, v]) => [k, k === 'reference' ? '../../etc' : v]), /reference mal formé/],
      [Array.from({ length: 101 }, (_, i) => [`f${i}`, '']), /101 champs/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parseNotification(input);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).toMatch(reason);
        expect(parsed.reason).not.toContain('xxxx');
      }
    }
  });

  it('judges: payment, cancellation, and each anomaly', () => {
    expect(judgeNotification(base, request, ctx)).toEqual({
      kind: 'pay',
      amount: '120.00',
      receivedOn: '2026-11-25',
    });
    expect(judgeNotification({ ...base, 'code-retour': 'Annulation' }, request, ctx).kind).toBe(
      'cancelled',
    );
    expect(judgeNotification(base, null, ctx).kind).toBe('unknown_reference');
    expect(judgeNotification({ ...base, TPE: '9999999' }, request, ctx).kind).toBe('tpe_mismatch');
    expect(judgeNotification({ ...base, montant: '1.20EUR' }, request, ctx).kind).toBe(
      'amount_mismatch',
    );
    expect(judgeNotification({ ...base, montant: '120.00USD' }, request, ctx).kind).toBe(
      'amount_mismatch',
    );
    expect(
      judgeNotification({ ...base, 'texte-libre': 'Facture F2026-000002 client 4' }, request, ctx)
        .kind,
    ).toBe('invoice_mismatch');
    expect(judgeNotification({ ...base, 'code-retour': 'paiement' }, request, ctx).kind).toBe(
      'wrong_mode',
    );
    expect(
      judgeNotification({ ...base, 'code-retour': 'paiement' }, request, {
        ...ctx,
        mode: 'production',
      }).kind,
    ).toBe('pay');
    expect(judgeNotification({ ...base, 'code-retour': 'xyz' }, request, ctx).kind).toBe(
      'unknown_code',
    );
    expect(judgeNotification({ ...base, date: 'hier' }, request, ctx).kind).toBe('bad_date');
    // A bank clock a little ahead never makes a payment dated tomorrow.
    expect(
      judgeNotification({ ...base, date: '26/11/2026_a_00:00:01' }, request, ctx),
    ).toMatchObject({ kind: 'pay', receivedOn: '2026-11-25' });
  });
});
