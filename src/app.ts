import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import hbs from 'hbs';
import { AppModule } from './app.module.js';
import { CGI2_PATH, cgi2BodyReader } from './monetico/cgi2-body.js';
import {
  AUTH_CONFIG,
  MONETICO_CONFIG,
  PANEL_CONFIG,
  type AuthConfig,
  type Config,
  type MoneticoConfig,
  type PanelConfig,
} from './kernel/config.js';
import { ErrorLog } from './panel/error-log.js';
import { securityHeaders } from './security-headers.js';
import { ErrorsFilter } from './panel/errors.filter.js';
import { registerHelpers } from './panel/view-helpers.js';
import { assetsDir, viewsDir } from './kernel/paths.js';

/** Builds the HTTP application (used by main.ts and by the end-to-end tests). */
export async function createApp(
  options: { logger?: boolean; config?: Config } = {},
): Promise<NestExpressApplication> {
  const root = options.config ? AppModule.withConfig(options.config) : AppModule;
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
    bodyParser: false,
  });
  // First, so that every answer (pages, API, errors, the bank's callback) carries them.
  app.disable('x-powered-by');
  app.use(...securityHeaders(app.get<MoneticoConfig>(MONETICO_CONFIG).bankUrl));
  // Before the parsers: the bank's notification is read raw (audit, duplicates, size limit).
  app.use(CGI2_PATH, cgi2BodyReader);
  // Behind a reverse proxy, TRUST_PROXY makes req.ip and req.secure (Secure cookies) right.
  const { trustProxy } = app.get<AuthConfig>(AUTH_CONFIG);
  if (trustProxy)
    app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { limit: '100kb', extended: false });
  // The pages' scripts, as files: the CSP ('self') allows them, and no inline code is needed.
  app.useStaticAssets(assetsDir, { prefix: '/assets/', index: false });
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  // Every page's header and title name the cooperative (BRAND_NAME).
  app.setLocal('brandName', app.get<PanelConfig>(PANEL_CONFIG).brandName);
  hbs.registerPartials(join(viewsDir, 'partials'));
  registerHelpers(hbs.handlebars);
  app.useGlobalFilters(new ErrorsFilter(app.get(ErrorLog)));
  app.enableShutdownHooks();
  return app;
}
