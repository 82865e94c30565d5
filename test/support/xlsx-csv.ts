import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  return spreadsheetAsCsv(xlsx, 'xlsx', options);
}

/**
 * Any export (xlsx, ods, our French CSV: ';', decimal comma, DD/MM/YYYY, read with the
 * French locale, or the tab-separated FEC) as LibreOffice reads it, one sheet (1-based, default the first) converted
 * headless to the same plain CSV as xlsxAsCsv.
 */
export async function spreadsheetAsCsv(
  data: Buffer | Uint8Array,
  format: 'xlsx' | 'ods' | 'csv' | 'fec',
  options: { asShown?: boolean; sheet?: number } = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-sheet-'));
  try {
    const file = join(dir, `sheet.${format === 'fec' ? 'csv' : format}`);
    writeFileSync(file, data);
    // ',' and '"', UTF-8 (76), from line 1, en-US formats (1033), text cells quoted and numbers
    // bare, each cell as shown or as its value, then the sheet to export.
    const filter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,${options.asShown ? 'true' : 'false'},,,${options.sheet ?? 1}`;
    // Our CSV: ';', '"', UTF-8, from line 1, French locale (1036) for the decimal comma and days.
    // The FEC: tab-separated, ISO-8859-15 (LibreOffice's encoding 22), read with the French locale.
    const input =
      format === 'csv'
        ? ['--infilter=CSV:59,34,76,1,,1036']
        : format === 'fec'
          ? ['--infilter=CSV:9,34,22,1,,1036']
          : [];
    const out = join(dir, 'out');
    try {
      await promisify(execFile)(
        'soffice',
        [
          `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
          '--headless',
          ...input,
          '--convert-to',
          filter,
          '--outdir',
          out,
          file,
        ],
        { timeout: 120_000 },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(INSTALL, { cause: error });
      throw error;
    }
    // With a sheet number LibreOffice names the file after the sheet: sheet-<name>.csv.
    const [csv] = readdirSync(out).filter((f) => f.endsWith('.csv'));
    if (!csv) throw new Error(`LibreOffice wrote no CSV for sheet ${options.sheet ?? 1}`);
    return readFileSync(join(out, csv), 'utf8');
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

/**
 * Many exports converted in two LibreOffice runs (one for xlsx/ods, every sheet; one for our
 * French CSV files), far quicker than one run per file. Returns, per name, the CSV of each
 * sheet by sheet name (a CSV file is one sheet, named '').
 */
export async function spreadsheetsAsCsv(
  files: Readonly<Record<string, { data: Buffer | Uint8Array; format: 'xlsx' | 'ods' | 'csv' }>>,
): Promise<Record<string, Record<string, string>>> {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-sheets-'));
  try {
    const names = Object.keys(files);
    names.forEach((name, i) => {
      const f = files[name]!;
      writeFileSync(join(dir, `f${i}.${f.format}`), f.data);
    });
    const run = async (inputs: string[], csvInput: boolean) => {
      if (inputs.length === 0) return;
      // Value of each cell, every sheet (-1) to <file>-<sheet>.csv.
      const filter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,false,,,${csvInput ? 1 : -1}`;
      try {
        await promisify(execFile)(
          'soffice',
          [
            `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
            '--headless',
            ...(csvInput ? ['--infilter=CSV:59,34,76,1,,1036'] : []),
            '--convert-to',
            filter,
            '--outdir',
            join(dir, 'out'),
            ...inputs,
          ],
          { timeout: 300_000 },
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new Error(INSTALL, { cause: error });
        throw error;
      }
    };
    const inputs = names.map((name, i) => join(dir, `f${i}.${files[name]!.format}`));
    await run(
      inputs.filter((f) => !f.endsWith('.csv')),
      false,
    );
    await run(
      inputs.filter((f) => f.endsWith('.csv')),
      true,
    );
    const written = readdirSync(join(dir, 'out'));
    const out: Record<string, Record<string, string>> = {};
    names.forEach((name, i) => {
      out[name] = {};
      for (const w of written) {
        const m = new RegExp(`^f${i}(?:-(.*))?\\.csv$`).exec(w);
        // A CSV input is one sheet: named '' whatever LibreOffice called it.
        const sheet = files[name]!.format === 'csv' ? '' : (m?.[1] ?? '');
        if (m) out[name]![sheet] = readFileSync(join(dir, 'out', w), 'utf8');
      }
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
