import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The text of a PDF as a reader sees it, by poppler's pdftotext (installed by
 * .ci/ensure-system.sh). Whitespace (including the no-break spaces of French amounts) is
 * collapsed to single spaces so tests can search for phrases.
 */
export function pdfText(pdf: Buffer | Uint8Array): string {
  return pdfLayoutText(pdf).replace(/\s+/g, ' ').trim();
}

/**
 * The lines of a PDF as pdftotext -layout places them, spaces within a line collapsed: what
 * is printed on one visual line stays on one line, so a test can see that a cell did not wrap.
 */
export function pdfLines(pdf: Buffer | Uint8Array): string[] {
  return pdfLayoutText(pdf)
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
}

function pdfLayoutText(pdf: Buffer | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    let text: string;
    try {
      text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
        encoding: 'utf8',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          'pdftotext is missing: install poppler-utils (apt-get install poppler-utils, or run bash .ci/ensure-system.sh as root).',
          { cause: error },
        );
      }
      throw error;
    }
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
