import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { viewsDir } from '../kernel/paths.js';

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? templates(join(dir, e.name))
      : e.name.endsWith('.hbs')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('CSRF field in the views', () => {
  it('every form that can POST carries the csrf partial', () => {
    const missing: string[] = [];
    let posting = 0;
    for (const file of templates(viewsDir)) {
      const text = readFileSync(file, 'utf8');
      for (const form of text.match(/<form\b[\s\S]*?<\/form>/gi) ?? []) {
        if (!/method="post"|formmethod="post"/i.test(form)) continue;
        // A form posted to another site (the bank), marked data-external, must not carry our token.
        if (/<form\b[^>]*\bdata-external\b/.test(form)) {
          if (form.includes('{{> csrf}}'))
            missing.push(`${relative(viewsDir, file)}: token sent away`);
          continue;
        }
        posting += 1;
        // Uploads are checked once parsed (UploadForm): the token is a field, never in the URL.
        if (/action="[^"]*_csrf/.test(form))
          missing.push(`${relative(viewsDir, file)}: token in URL`);
        if (!form.includes('{{> csrf}}'))
          missing.push(`${relative(viewsDir, file)}: ${form.slice(0, 80)}`);
      }
    }
    expect(posting).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('the partial reads the token from the root context (forms inside #each blocks too)', () => {
    expect(readFileSync(join(viewsDir, 'partials', 'csrf.hbs'), 'utf8')).toContain(
      'name="_csrf" value="{{@root.csrfToken}}"',
    );
  });
});
