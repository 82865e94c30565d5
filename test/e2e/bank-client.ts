import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { runCli } from './cli-process.js';
import type { HttpClient } from './http-client.js';

/** A form POST as a browser sends it (signed in, with the CSRF token), without following the redirect. */
export async function postForm(client: HttpClient, path: string, fields: [string, string][]) {
  const res = await client.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

/** The CLI on a fresh SQLite file of the describe block (demo data seeded by its first run). */
export function useCliDatabase(prefix: string) {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    run: (args: string[]) => runCli(args, join(dir, 'cli.sqlite')),
    file: (name: string) => join(dir, name),
  };
}
