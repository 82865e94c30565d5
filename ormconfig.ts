import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/kernel/database/data-source.js';
import { loadDatabaseSettings, processEnvironment } from './src/kernel/config.js';

/** Used by the TypeORM CLI (`npx typeorm migration:show -d dist/ormconfig.js`). */
export default new DataSource(dataSourceOptions(loadDatabaseSettings(processEnvironment())));
