import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { exportZone } from '../../domain/hosting/dns-export.js';
import { readLegacyZone, readZoneRecords } from '../../legacy-sync/legacy-zones.js';
import type { Db } from '../../src/kernel/database/db.js';

/**
 * BIND's own zone checker (bind9-utils, installed by .ci/ensure-system.sh) on a zone file:
 * `-k fail -n fail` make bad names errors, `-i full` checks the records' targets.
 */
export function namedCheckzone(zone: string, text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-zone-'));
  try {
    const file = join(dir, 'zone');
    writeFileSync(file, text);
    const run = spawnSync(
      'named-checkzone',
      ['-k', 'fail', '-n', 'fail', '-i', 'full', zone.replace(/\.$/, ''), file],
      { encoding: 'utf8' },
    );
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new Error(
        'named-checkzone is missing: install bind9-utils (apt-get install bind9-utils, or run bash .ci/ensure-system.sh as root).',
      );
    if (run.error) throw run.error;
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A domain's zone as MyDNS serves it (Gloux's soa/rr), through named-checkzone: it passes. */
export async function checkServedZone(db: Db, domain: string): Promise<string> {
  const file = await db.run(async (q) => {
    const zone = (await readLegacyZone(q, domain))!;
    return exportZone(zone.soa!, await readZoneRecords(q, zone.soa!.id));
  });
  const check = namedCheckzone(`${domain}.`, file);
  expect(check.output).toContain('OK');
  expect(check.ok).toBe(true);
  return file;
}
