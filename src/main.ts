import { LegacySyncModule } from '../legacy-sync/legacy-sync.module.js';
import { createApp } from './app.js';
import { loadConfig } from './kernel/config.js';
import { startDemoBank } from './fake-bank/demo-bank.js';

const config = loadConfig();
const bank = await startDemoBank(config);
const app = await createApp();
await app.listen(config.port);
app.get(LegacySyncModule).startIngest();
const where =
  config.database.dialect === 'sqlite' ? `SQLite ${config.database.sqlitePath}` : 'MySQL';
if (bank) console.log(`Fake Monetico bank (demo card payments) on ${bank.url}/`);
console.log(`gloux2 listening on http://localhost:${config.port}/ (${where})`);
