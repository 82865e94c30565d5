import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const app = await createApp();
await app.listen(config.port);
const where =
  config.database.dialect === 'sqlite' ? `SQLite ${config.database.sqlitePath}` : 'MySQL';
console.log(`gloux2 listening on http://localhost:${config.port}/ (${where})`);
