import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useAppClient } from './http-client.js';

jest.setTimeout(180_000);

interface Job {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  target: string;
}

const dir = mkdtempSync(join(tmpdir(), 'gloux2-jobs-admin-'));
const flag = join(dir, 'down');
const hook = join(dir, 'hook.sh');
writeFileSync(
  hook,
  `#!/bin/sh\nif [ -e '${flag}' ]; then echo '{"status":"error","message":"serveur injoignable"}'; exit 1; fi\necho '{"status":"ok","message":"compte '"$3"' ouvert"}'\n`,
);
chmodSync(hook, 0o755);
writeFileSync(flag, '');

/**
 * The demo's account openings run a hook that fails (one attempt allowed): the admin sees the
 * failed job on /admin/provisionnement, « Relancer » asks first, then runs it again.
 */
describe('a failed job and « Relancer » (demo data)', () => {
  const { getPage, getJson, postForm } = useAppClient({
    env: {
      PROVISIONING_HOOK_OPEN: hook,
      PROVISIONING_MAX_ATTEMPTS: '1',
      AFTER_COMMIT_RETRY_MS: '0',
      AFTER_COMMIT_INTERVAL_MS: '200',
    },
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const openJob = async (): Promise<Job | undefined> =>
    (await getJson<{ runs: Job[] }>('/api/provisionnement')).body.runs.find(
      (r) => r.kind === 'account.open',
    );
  const until = async (status: string): Promise<Job> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await openJob();
      if (job?.status === status) return job;
      if (Date.now() > deadline) throw new Error(`job still ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('shows the failure, confirms, and runs the job once more', async () => {
    const failed = await until('failed');
    expect(failed).toMatchObject({ attempts: 1, target: 'jdupont' });
    const page = await getPage('/admin/provisionnement');
    expect(page.html).toContain('serveur injoignable');
    expect(page.html).toContain(`action="/admin/provisionnement/${failed.id}/relance"`);

    // First the confirmation page: nothing is requeued yet.
    const ask = await postForm(`/admin/provisionnement/${failed.id}/relance`, {});
    expect(ask.status).toBe(200);
    const asked = await ask.text();
    expect(asked).toContain('Relancer ce travail ?');
    expect(asked).toContain('ouverture du compte : jdupont');
    expect(asked).toContain('1 essai en échec, le dernier : serveur injoignable');
    expect((await openJob())?.status).toBe('failed');

    rmSync(flag);
    const confirmed = await postForm(
      `/admin/provisionnement/${failed.id}/relance`,
      { confirme: 'oui' },
      { redirect: 'manual' },
    );
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/admin/provisionnement');
    expect(await until('done')).toMatchObject({ id: failed.id, attempts: 1 });
    expect((await getPage('/admin/provisionnement')).html).toContain('compte jdupont ouvert');

    // A job that is not failed cannot be requeued.
    const again = await postForm(`/admin/provisionnement/${failed.id}/relance`, {
      confirme: 'oui',
    });
    expect(again.status).toBe(409);
  });
});
