import { decodeKey } from '../../domain/monetico/monetico.js';
import type { AppConfig } from '../kernel/config.js';
import { DEMO_KEY, DEMO_SOCIETE, DEMO_TPE } from '../monetico/monetico.config.js';
import { CGI2_PATH } from '../monetico/cgi2-body.js';
import { startFakeBank, switchesFromEnv, type FakeBank } from './fake-bank.js';

/**
 * The demo (embedded SQLite with demo data) has no real bank: when MONETICO_URL is not set,
 * start the local fake bank and point the card payment settings at it, so `npm start` can pay
 * by card end to end. Never with a configured bank nor without demo data.
 */
export async function startDemoBank(
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FakeBank | null> {
  if (!config.demoData || env.MONETICO_URL?.trim() || env.FAKE_BANK === '0') return null;
  const key = env.MONETICO_KEY?.trim() || DEMO_KEY;
  const tpe = env.MONETICO_TPE?.trim() || DEMO_TPE;
  const bank = await startFakeBank({
    port: Number(env.FAKE_BANK_PORT ?? 0) || 0,
    key: decodeKey(key),
    tpe,
    notifyUrl: `http://127.0.0.1:${config.port}${CGI2_PATH}`,
    defaults: switchesFromEnv(env),
  });
  Object.assign(env, {
    MONETICO_URL: `${bank.url}/test/paiement.cgi`,
    MONETICO_KEY: key,
    MONETICO_TPE: tpe,
    MONETICO_SOCIETE: env.MONETICO_SOCIETE?.trim() || DEMO_SOCIETE,
  });
  return bank;
}
