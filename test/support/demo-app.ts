import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.js';

export interface DemoApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The whole HTTP app in this process, on a fresh SQLite file with the demo data (what
 * `npm start` serves), listening on a free port: tests can read Nest's own route metadata and
 * request every route over real HTTP.
 */
export async function startDemoApp(env: Record<string, string> = {}): Promise<DemoApp> {
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-demo-app-'));
  const saved = { ...process.env };
  delete process.env.DATABASE_URL;
  delete process.env.FISCAL_YEAR_START;
  Object.assign(process.env, { SQLITE_PATH: join(dir, 'demo.sqlite'), DEMO_DATA: '1' }, env);
  let app: NestExpressApplication;
  try {
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
  } finally {
    process.env = saved;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
