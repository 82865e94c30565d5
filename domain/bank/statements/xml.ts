import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badFile } from './statement.js';

/** Parses XML into plain objects (text kept as strings), refusing malformed XML with its line. */
export function parseXml(text: string, arrays: readonly string[]): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw badFile(valid.err.line, `XML mal formé (${valid.err.msg}).`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => arrays.includes(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

export type Node = Record<string, unknown>;

/** The child at `path` (a.b.c) as a node, or undefined. */
export function child(node: unknown, path: string): unknown {
  let at: unknown = node;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Node)[key];
  }
  return at;
}

/** A leaf's text ('' when missing); an element with attributes keeps its text under '#text'. */
export function textOf(node: unknown, path: string): string {
  const v = child(node, path);
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string')
    return ((v as Node)['#text'] as string).trim();
  return '';
}

export const listOf = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];

/** The 1-based line of the n-th (0-based) opening `<tag` (any namespace prefix) in `text`. */
export function lineOfElement(text: string, tag: string, n: number): number {
  const re = new RegExp(`<(?:[A-Za-z0-9_]+:)?${tag}[\\s>]`, 'g');
  let m: RegExpExecArray | null = null;
  for (let i = 0; i <= n; i++) {
    m = re.exec(text);
    if (!m) return 0;
  }
  let line = 1;
  for (let i = 0; i < m!.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
