import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Marked, type Tokens } from 'marked';
import { isStaff, type AuthUser } from '../auth/auth-user.js';
import { DomainError } from '../../domain/shared/errors.js';
import { projectRoot } from '../kernel/paths.js';

/** The French user guide (docs/guide), read at each request so a doc edit shows at once. */
export const guideDir = join(projectRoot, 'docs', 'guide');
export const guideImagesDir = join(guideDir, 'images');

/** Whose chapters: the file name's prefix (`cooperateur-payer-une-facture.md`). */
export type GuideAudience = 'cooperateur' | 'tresorier' | 'admin';

export const AUDIENCE_LABELS: Record<GuideAudience, string> = {
  cooperateur: 'Coopérateur',
  tresorier: 'Trésorier',
  admin: 'Administrateur',
};

const AUDIENCES = Object.keys(AUDIENCE_LABELS) as GuideAudience[];

/** A chapter name is also a URL segment and a file name: nothing else gets near the disk. */
const CHAPTER_NAME = /^(cooperateur|tresorier|admin)-[a-z0-9-]+$/;
export const IMAGE_NAME = /^[a-z0-9-]+\.png$/;

export interface GuideChapter {
  readonly name: string;
  readonly audience: GuideAudience;
  readonly title: string;
}

/** The staff pages are the treasurer's and the admin's; an admin is staff too. */
export function readsAudience(user: AuthUser, audience: GuideAudience): boolean {
  switch (audience) {
    case 'cooperateur':
      return user.cooperator;
    case 'tresorier':
      return isStaff(user);
    case 'admin':
      return user.admin;
  }
}

const titleOf = (markdown: string, name: string) => /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? name;

/** Every chapter of the guide, in file-name order within each audience. */
export function guideChapters(dir = guideDir): GuideChapter[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -'.md'.length))
    .filter((n) => CHAPTER_NAME.test(n))
    .sort();
  return AUDIENCES.flatMap((audience) =>
    names
      .filter((n) => n.startsWith(`${audience}-`))
      .map((name) => ({
        name,
        audience,
        title: titleOf(readFileSync(join(dir, `${name}.md`), 'utf8'), name),
      })),
  );
}

/** The chapters this user may read, grouped by audience (empty groups left out). */
export function guideIndexFor(user: AuthUser, dir = guideDir) {
  const chapters = guideChapters(dir);
  return AUDIENCES.filter((a) => readsAudience(user, a))
    .map((audience) => ({
      label: AUDIENCE_LABELS[audience],
      chapters: chapters.filter((c) => c.audience === audience),
    }))
    .filter((g) => g.chapters.length > 0);
}

/**
 * The guide links chapters as files (`tresorier-exports.md`, `README.md`) so they work on a
 * forge too; in the panel they become /aide pages. Images stay relative (`images/x.png` under
 * /aide/ is /aide/images/x.png).
 */
export function panelHref(href: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.startsWith('#')) {
    return href;
  }
  const [path = '', anchor] = href.split('#');
  if (path === 'README.md') return '/aide' + (anchor ? `#${anchor}` : '');
  if (!path.endsWith('.md')) return href;
  return `/aide/${path.slice(0, -'.md'.length)}` + (anchor ? `#${anchor}` : '');
}

const marked = new Marked({
  walkTokens(token) {
    if (token.type === 'link') (token as Tokens.Link).href = panelHref((token as Tokens.Link).href);
  },
});

/** One chapter as HTML, or a 404 when the name is not a chapter; a 403 when not the user's. */
export function guideChapterFor(user: AuthUser, name: string, dir = guideDir) {
  const chapter = CHAPTER_NAME.test(name)
    ? guideChapters(dir).find((c) => c.name === name)
    : undefined;
  if (!chapter) throw new DomainError('not_found', 'Ce chapitre de l’aide n’existe pas.');
  if (!readsAudience(user, chapter.audience)) return null;
  const markdown = readFileSync(join(dir, `${name}.md`), 'utf8');
  return { ...chapter, html: marked.parse(markdown, { async: false }) };
}
