import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_RULE, DEFAULT_RULE, type AccessRule } from './access.decorators.js';

/** One route of the running app with the access rule the guard applies to it. */
export interface RouteAccess {
  readonly method: string;
  readonly path: string;
  readonly controller: string;
  readonly handler: string;
  readonly rule: AccessRule;
  /** False when the route has no decorator (then admin-only, by default). */
  readonly explicit: boolean;
}

const join = (prefix: string, path: string) =>
  `/${[prefix, path]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/')}`;

const asArray = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [''];

/** Every route of every controller of the app, read from Nest's own metadata (not a hand list). */
export function routeTable(app: INestApplicationContext): RouteAccess[] {
  const scanner = new MetadataScanner();
  const routes: RouteAccess[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, type));
      const classRule = Reflect.getMetadata(ACCESS_RULE, type) as AccessRule | undefined;
      for (const name of scanner.getAllMethodNames(type.prototype as object)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const own = Reflect.getMetadata(ACCESS_RULE, handler) as AccessRule | undefined;
        const rule = own ?? classRule;
        for (const prefix of prefixes)
          for (const path of asArray(paths))
            routes.push({
              method: method ?? 'GET',
              path: join(prefix, path),
              controller: type.name,
              handler: name,
              rule: rule ?? DEFAULT_RULE,
              explicit: rule !== undefined,
            });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
