/**
 * Reading old event shapes. A released event shape never changes: a new shape is a new type
 * (e.g. `PaymentRecorded` → `PaymentRecordedV2`), and the old events stay in the log as they
 * were written. An upcaster, keyed by the old type, turns an old event into the next shape
 * when it is read, so the domain only ever folds current types (exhaustive switches stay
 * exhaustive). Upcasters are pure and chain (v1 → v2 → v3).
 */

export interface StoredShape {
  readonly type: string;
  readonly data: unknown;
}

export type Upcaster = (event: StoredShape) => StoredShape;

/** Old type → upcaster. */
export type UpcasterTable = Readonly<Record<string, Upcaster>>;

/**
 * Every upcaster the log needs. Empty: no released shape has been replaced yet. Add one here
 * (written next to the events it reads, in `domain/<folder>/events.ts`) with the new type.
 */
export const UPCASTERS: UpcasterTable = {};

/** Far more versions than any type will have: a longer chain is a cycle in the table. */
const MAX_STEPS = 16;

/** The event in its current shape: upcasters applied until its type has none. */
export function upcast(event: StoredShape, table: UpcasterTable = UPCASTERS): StoredShape {
  let current = event;
  for (let step = 0; Object.hasOwn(table, current.type); step++) {
    if (step === MAX_STEPS) {
      throw new Error(`Upcasters for ${event.type} loop (still at ${current.type})`);
    }
    current = table[current.type]!(current);
  }
  return current;
}
