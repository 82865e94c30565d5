import { decodeKey } from '../../domain/monetico/monetico.js';
import { CGI2_PATH } from '../monetico/cgi2-body.js';
import { DEMO_KEY, DEMO_TPE } from '../monetico/monetico.config.js';
import { startFakeBank, switchesFromEnv } from './fake-bank.js';

/**
 * `fake-bank:start [--port N] [--notify-url URL]`: the fake bank on its own, for a gloux2 run
 * with MONETICO_URL=http://127.0.0.1:N/test/paiement.cgi. Switch defaults from FAKE_BANK_REFUSE,
 * FAKE_BANK_NOTIFICATIONS, FAKE_BANK_DELAY_MS, FAKE_BANK_BAD_MAC. Resolves when interrupted.
 */
export async function fakeBankCli(
  values: { port?: string; 'notify-url'?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const port = Number(values.port ?? env.FAKE_BANK_PORT ?? 3001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (got ${values.port})`);
    return 1;
  }
  const bank = await startFakeBank({
    port,
    key: decodeKey(env.MONETICO_KEY?.trim() || DEMO_KEY),
    tpe: env.MONETICO_TPE?.trim() || DEMO_TPE,
    notifyUrl: values['notify-url'] ?? `http://127.0.0.1:${env.PORT?.trim() || '3000'}${CGI2_PATH}`,
    defaults: switchesFromEnv(env),
  });
  console.log(`Fake Monetico bank listening on ${bank.url}/ (form: ${bank.url}/test/paiement.cgi)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bank.close();
  return 0;
}
