import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json), whether run from src via ts-jest or from dist. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
export const glouxFixtures = join(projectRoot, 'legacy-sync', 'fixtures', 'gloux');
export const viewsDir = join(projectRoot, 'src', 'panel', 'views');
/** Static files the pages load (scripts: the CSP allows no inline script without the nonce). */
export const assetsDir = join(projectRoot, 'src', 'panel', 'assets');
