import { configFromEnvironment } from '../kernel/config.js';
import { CGI2_PATH } from '../monetico/cgi2-body.js';
import { startFakeBank } from './fake-bank.js';

/**
 * `fake-bank:start [--port N] [--notify-url URL]`: the fake bank on its own, for a gloux2 run
 * with MONETICO_URL=http://127.0.0.1:N/test/paiement.cgi. Switch defaults from FAKE_BANK_REFUSE,
 * FAKE_BANK_NOTIFICATIONS, FAKE_BANK_DELAY_MS, FAKE_BANK_BAD_MAC. Resolves when interrupted.
 */
export async function fakeBankCli(values: {
  port?: string;
  'notify-url'?: string;
}): Promise<number> {
  const { app, fakeBank } = configFromEnvironment();
  const port = values.port === undefined ? (fakeBank.port ?? 3001) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (got ${values.port})`);
    return 1;
  }
  const bank = await startFakeBank({
    port,
    key: fakeBank.key.bytes(),
    tpe: fakeBank.tpe,
    notifyUrl: values['notify-url'] ?? `http://127.0.0.1:${app.port}${CGI2_PATH}`,
    defaults: fakeBank.switches,
  });
  console.log(`Fake Monetico bank listening on ${bank.url}/ (form: ${bank.url}/test/paiement.cgi)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bank.close();
  return 0;
}
