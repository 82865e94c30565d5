import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { decodeKey, verifyMac } from '../../domain/monetico/monetico.js';
import { CURRENT_VECTOR } from '../../domain/monetico/test-vectors.js';
import { hmacSha1 } from '../../src/monetico/monetico-crypto.js';
import { freePort, projectRoot } from './app-process.js';

jest.setTimeout(60_000);

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

describe('npm run fake-bank:start (the CLI)', () => {
  it('serves the card page for the docs/monetico.md vector, notifies the shop, stops on SIGTERM', async () => {
    // The shop side: records the notification and checks its seal with the demo key.
    const received: Record<string, string>[] = [];
    const shop = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('version=2\ncdr=0\n');
      });
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', () => r()));
    const notifyUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/monetico/cgi2`;
    const port = await freePort();
    const env = { ...process.env };
    for (const k of ['MONETICO_KEY', 'MONETICO_TPE', 'FAKE_BANK_REFUSE', 'FAKE_BANK_BAD_MAC'])
      delete env[k];
    const child = spawn(
      process.execPath,
      [
        join(projectRoot, 'dist/src/cli.js'),
        'fake-bank:start',
        '--port',
        String(port),
        '--notify-url',
        notifyUrl,
      ],
      { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('Fake Monetico bank listening') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`http://127.0.0.1:${port}/`);
      const bank = `http://127.0.0.1:${port}`;
      const card = await fetch(
        `${bank}/test/paiement.cgi`,
        form({ ...CURRENT_VECTOR.fields, MAC: CURRENT_VECTOR.mac }),
      );
      expect(card.status).toBe(200);
      const token = /name="token" value="([0-9a-f]+)"/.exec(await card.text())?.[1] ?? '';
      const back = await fetch(`${bank}/payer`, form({ token, action: 'payer' }));
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toBe('https://shop.example/ok');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ reference: 'FAC000123', 'code-retour': 'payetest' });
      expect(verifyMac(received[0]!, 'current', decodeKey(CURRENT_VECTOR.key), hmacSha1)).toBe(
        true,
      );
      const forged = await fetch(
        `${bank}/test/paiement.cgi`,
        form({ ...CURRENT_VECTOR.fields, montant: '0.01EUR', MAC: CURRENT_VECTOR.mac }),
      );
      expect(forged.status).toBe(400);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await new Promise<void>((r) => shop.close(() => r()));
    }
    expect(out).not.toContain(CURRENT_VECTOR.key);
  });
});
