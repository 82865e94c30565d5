/** Where an element opens in the file: character offset and 1-based line. */
export interface Position {
  readonly offset: number;
  readonly line: number;
}

/** Every opening `<tag` (any namespace prefix) in `text`, in order. */
export function elementsAt(text: string, tag: string): Position[] {
  const re = new RegExp(`<(?:[A-Za-z0-9_]+:)?${tag}[\\s/>]`, 'g');
  const out: Position[] = [];
  let line = 1;
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let i = from; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    from = m.index;
    out.push({ offset: m.index, line });
  }
  return out;
}

/**
 * The lines of each statement's entries: statements do not nest, so the entries after a
 * statement's start and before the next one's are its own.
 */
export function entriesOf(text: string, starts: readonly Position[], tag: string): number[][] {
  const entries = elementsAt(text, tag);
  return starts.map((start, k) => {
    const end = starts[k + 1]?.offset ?? Infinity;
    return entries.filter((e) => e.offset >= start.offset && e.offset < end).map((e) => e.line);
  });
}
