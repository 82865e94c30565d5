import { LegacySyncModule } from '../legacy-sync/legacy-sync.module.js';
import { createApp } from './app.js';
import { configFromEnvironment } from './kernel/config.js';
import { startDemoBank } from './fake-bank/demo-bank.js';

// Read and validated once: a wrong setting stops here with a message naming the variable.
const loaded = configFromEnvironment();
const demo = await startDemoBank(loaded);
const config = demo?.config ?? loaded;
const app = await createApp({ config });
// HOST unset: every interface, as before.
if (config.app.host) await app.listen(config.app.port, config.app.host);
else await app.listen(config.app.port);
app.get(LegacySyncModule).startIngest();
const { database } = config.app;
const where = database.dialect === 'sqlite' ? `SQLite ${database.sqlitePath}` : 'MySQL';
if (demo) console.log(`Fake Monetico bank (demo card payments) on ${demo.bank.url}/`);
console.log(
  `gloux2 listening on http://${config.app.host || 'localhost'}:${config.app.port}/ (${where})`,
);
