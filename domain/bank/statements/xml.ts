import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badFile } from './statement.js';

/** Parses XML into plain objects (text kept as strings), refusing malformed XML with its line. */
export function parseXml(text: string, arrays: readonly string[]): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // A truncated file leaves elements open; the validator then points at line 1.
    const open = /^Invalid '\[(.*)\]' found\.$/s.exec(valid.err.msg);
    if (open) {
      const names = [...open[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      const last = text.replace(/\s+$/, '').split('\n').length;
      throw badFile(
        last,
        `le fichier s’arrête avant la fin (éléments non fermés : ${names.map((n) => `<${n}>`).join(', ')}) ; fichier tronqué ?`,
      );
    }
    throw badFile(valid.err.line, `XML mal formé (${valid.err.msg}).`);
  }
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
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    // The validator lets a few faults through (a broken <?…?> declaration) that the parser
    // then throws on, without a line.
    throw badFile(null, `XML mal formé (${(error as Error).message}).`);
  }
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

/** Every node named `name` under `node`, in document order, at any depth (not inside another). */
export function findAll(node: unknown, name: string): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, name));
  return Object.entries(node as Node).flatMap(([key, value]) =>
    key === name ? listOf(value) : findAll(value, name),
  );
}

export const listOf = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];
