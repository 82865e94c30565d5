import type { Config } from '../kernel/config.js';
import { CGI2_PATH } from '../monetico/cgi2-body.js';
import { startFakeBank, type FakeBank } from './fake-bank.js';

/**
 * The demo (embedded SQLite with demo data) has no real bank: when MONETICO_URL is not set,
 * start the local fake bank and give the app card payment settings pointing at it, so
 * `npm start` can pay by card end to end. Never with a configured bank nor without demo data.
 */
export async function startDemoBank(
  config: Config,
): Promise<{ bank: FakeBank; config: Config } | null> {
  const { app, monetico, fakeBank } = config;
  if (!app.demoData || monetico.enabled || !fakeBank.inDemo) return null;
  const bank = await startFakeBank({
    port: fakeBank.port ?? 0,
    key: fakeBank.key.bytes(),
    tpe: fakeBank.tpe,
    notifyUrl: `http://127.0.0.1:${app.port}${CGI2_PATH}`,
    defaults: fakeBank.switches,
  });
  return {
    bank,
    config: {
      ...config,
      monetico: {
        ...monetico,
        enabled: true,
        bankUrl: `${bank.url}/test/paiement.cgi`,
        tpe: fakeBank.tpe,
        societe: fakeBank.societe,
        key: fakeBank.key,
        mode: 'test',
      },
    },
  };
}
