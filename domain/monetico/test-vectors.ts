/**
 * docs/monetico.md's public test vectors, as forms (shared by the protocol tests and the fake bank's
 * own test).
 */

/** Legacy scheme, key `123456`. */
export const LEGACY_VECTOR = {
  key: '123456',
  fields: {
    TPE: '123456',
    date: '17/03/2018:10:40:10',
    montant: '24.80EUR',
    reference: '100008783',
    'texte-libre': 'Commande 100008783',
    version: '3.0',
    lgue: 'FR',
    societe: 'foobar',
    mail: 'test@example.org',
  },
  string:
    '123456*17/03/2018:10:40:10*24.80EUR*100008783*Commande 100008783*3.0*FR*foobar*test@example.org**********',
  mac: 'e13096f4559dd4a2c2f581d44bef6cd482ddefa0',
} as const;

/** Current scheme, the kit's demo key. */
export const CURRENT_VECTOR = {
  key: '12345678901234567890123456789012345678P0',
  fields: {
    TPE: '0000001',
    contexte_commande:
      'eyJiaWxsaW5nIjp7ImFkZHJlc3NMaW5lMSI6IjEgcnVlIGRlIGxhIFBhaXgiLCJjaXR5IjoiUGFyaXMiLCJwb3N0YWxDb2RlIjoiNzUwMDIiLCJjb3VudHJ5IjoiRlIifX0=',
    date: '05/03/2024:14:30:00',
    lgue: 'FR',
    mail: 'client@example.com',
    montant: '12.34EUR',
    reference: 'FAC000123',
    societe: 'abcdefghij',
    'texte-libre': 'Facture FAC000123',
    url_retour_err: 'https://shop.example/ko',
    url_retour_ok: 'https://shop.example/ok',
    version: '3.0',
  },
  mac: 'c399ce5a57428141bb85c775186c00bce8fc8234',
} as const;
