import { parseCamt053 } from './camt053.js';
import { parseCfonb120 } from './cfonb120.js';
import { parseOfx } from './ofx.js';
import { badFile, type ParsedStatement } from './statement.js';

/** Reads a statement file in whichever of CFONB 120, OFX 1.x/2.x or CAMT.053 it is. */
export function parseStatement(text: string): ParsedStatement {
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 2000);
  if (head === '') throw badFile(null, 'le fichier est vide.');
  if (/^OFXHEADER/i.test(head) || /<\?OFX|<OFX>/i.test(head)) return parseOfx(text);
  if (/BkToCstmrStmt|camt\.053/.test(head)) return parseCamt053(text);
  if (/^0[1457]/.test(head)) return parseCfonb120(text);
  throw badFile(1, 'format non reconnu (CFONB 120, OFX ou CAMT.053 attendu).');
}
