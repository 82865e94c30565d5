import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const INSTALL =
  'LibreOffice is missing (soffice): apt-get install -y libreoffice-calc-nogui (or run bash .ci/ensure-system.sh as root).';

/**
 * The first sheet of an xlsx file as LibreOffice reads it, converted headless to CSV (UTF-8,
 * text cells quoted, numbers bare). `asShown`: each cell as formatted ("32.00 €") rather than
 * its value ("32"). A private profile directory lets runs go in parallel. Asynchronous: a
 * conversion takes seconds, and a blocked event loop would leave HTTP keep-alive sockets stale.
 */
export async function xlsxAsCsv(
  xlsx: Buffer | Uint8Array,
  options: { asShown?: boolean } = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-xlsx-'));
  try {
    const file = join(dir, 'sheet.xlsx');
    writeFileSync(file, xlsx);
    // ',' and '"', UTF-8 (76), from line 1, en-US formats (1033), text cells quoted and numbers
    // bare, each cell as shown or as its value.
    const filter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,${options.asShown ? 'true' : 'false'}`;
    try {
      await promisify(execFile)(
        'soffice',
        [
          `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
          '--headless',
          '--convert-to',
          filter,
          '--outdir',
          dir,
          file,
        ],
        { timeout: 120_000 },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(INSTALL, { cause: error });
      throw error;
    }
    return readFileSync(join(dir, 'sheet.csv'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits CSV text into rows of cells, telling quoted (text) cells from bare (number) ones. */
export function csvRows(csv: string): { value: string; text: boolean }[][] {
  const rows: { value: string; text: boolean }[][] = [];
  let row: { value: string; text: boolean }[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (inQuotes) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else cell += ch;
    } else if (ch === '"') {
      inQuotes = true;
      quoted = true;
    } else if (ch === ',' || ch === '\n') {
      row.push({ value: cell, text: quoted });
      cell = '';
      quoted = false;
      if (ch === '\n') {
        rows.push(row);
        row = [];
      }
    } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, { value: cell, text: quoted }]);
  return rows;
}
