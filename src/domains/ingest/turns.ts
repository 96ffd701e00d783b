// Turns for the event loop during an import (issue 18). The merge runs on the thread that also serves HTTP, so its
// synchronous work per chunk (publicity decisions, COPY text, the query parameters of 10,000 rows) is cut into
// slices of about SLICE_MS, each followed by a turn of the event loop (setImmediate: after pending I/O), so that a
// search waits for one slice at most, never for a whole chunk. What is computed is unchanged, only when.
import { createRequire } from 'node:module';
import { Slicer } from '../../platform/turns.ts';

// The slicing itself is the platform's (the subjects domain's bulk path slices alike); re-exported for this domain.
export { eachWithTurns, filterWithTurns, mapWithTurns, SLICE_MS, Slicer } from '../../platform/turns.ts';

// node-postgres's own conversion of a parameter (arrays become an array literal): the same function it would apply.
const pgUtils = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue(value: unknown): unknown };

/** Elements of an array parameter converted per slice: each slice's literal is what pg writes for those elements. */
const ELEMENTS_PER_SLICE = 256;

/**
 * A statement's parameters with each large array already written as its PostgreSQL array literal, in slices with
 * turns between them. node-postgres converts an array parameter in one synchronous call (for 10,000 JSON contents
 * tens of milliseconds); a string parameter it sends as it is. The literal is the one pg would write: pg's own
 * conversion of consecutive slices, joined by the same comma.
 */
export async function paramsWithTurns(values: readonly unknown[] | undefined): Promise<unknown[] | undefined> {
  if (!values?.some((v) => Array.isArray(v) && v.length > ELEMENTS_PER_SLICE)) return values as unknown[] | undefined;
  const slicer = new Slicer();
  const out: unknown[] = [];
  for (const v of values) {
    if (!Array.isArray(v) || v.length <= ELEMENTS_PER_SLICE) {
      out.push(v);
      continue;
    }
    const parts: string[] = [];
    for (let i = 0; i < v.length; i += ELEMENTS_PER_SLICE) {
      const literal = pgUtils.prepareValue(v.slice(i, i + ELEMENTS_PER_SLICE)) as string;
      parts.push(literal.slice(1, -1));
      await slicer.turn();
    }
    out.push(`{${parts.join(',')}}`);
  }
  return out;
}
