// Turns for the event loop during long synchronous work on the thread that serves HTTP (issue 18). An import's
// merge runs there, so its work per chunk (publicity decisions, COPY text, subjects' columns, masking of rejected
// rows) is cut into slices of about SLICE_MS, each followed by a turn of the event loop (setImmediate: after pending
// I/O), so that a search waits for one slice at most, never for a whole chunk. What is computed is unchanged, only
// when. Here, below the domains, so that every domain on the import's path (ingest, subjects) slices alike.
import { setImmediate } from 'node:timers/promises';

/** How long a slice of synchronous work may hold the event loop before it gives a turn. */
export const SLICE_MS = 2;

/** A clock for slices: `due()` says whether the current slice has used its time (checked every few items). */
export class Slicer {
  private start = performance.now();
  /** True when SLICE_MS have passed since the last turn. */
  due(): boolean {
    return performance.now() - this.start >= SLICE_MS;
  }
  /** Gives the event loop a turn if the slice has used its time. */
  async turn(): Promise<void> {
    if (!this.due()) return;
    await setImmediate();
    this.start = performance.now();
  }
}

/** `items.map(fn)`, with a turn of the event loop whenever a slice has used its time. */
export async function mapWithTurns<T, R>(items: readonly T[], fn: (item: T, index: number) => R, slicer = new Slicer()): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i], i);
    if ((i & 15) === 15) await slicer.turn();
  }
  return out;
}

/** `for (const item of items) fn(item)`, with a turn of the event loop whenever a slice has used its time. */
export async function eachWithTurns<T>(items: Iterable<T>, fn: (item: T) => void, slicer = new Slicer()): Promise<void> {
  let n = 0;
  for (const item of items) {
    fn(item);
    if ((++n & 15) === 0) await slicer.turn();
  }
}

/** `items.filter(keep)`, with a turn of the event loop whenever a slice has used its time. */
export async function filterWithTurns<T>(items: readonly T[], keep: (item: T, index: number) => boolean, slicer = new Slicer()): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (keep(items[i], i)) out.push(items[i]);
    if ((i & 15) === 15) await slicer.turn();
  }
  return out;
}

/** Strings sorted per slice before they are merged (a native sort of this many takes well under a slice). */
const SORT_RUN = 1024;

/**
 * `[...items].sort()` for strings (UTF-16 code unit order, as the default sort compares), in slices: runs of
 * SORT_RUN sorted natively, then merged pairwise with turns between. A sort of a chunk's 10,000 codes in one call
 * holds the loop for a few milliseconds; equal strings are indistinguishable, so the result is the same array.
 */
export async function sortedWithTurns(items: Iterable<string>, slicer = new Slicer()): Promise<string[]> {
  let runs: string[][] = [];
  let run: string[] = [];
  for (const s of items) {
    run.push(s);
    if (run.length === SORT_RUN) {
      runs.push(run.sort());
      run = [];
      await slicer.turn();
    }
  }
  if (run.length || !runs.length) runs.push(run.sort());
  while (runs.length > 1) {
    const next: string[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out = new Array<string>(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = b[j] < a[i] ? b[j++] : a[i++];
        if ((k & 255) === 0) await slicer.turn();
      }
      while (i < a.length) out[k++] = a[i++];
      while (j < b.length) out[k++] = b[j++];
      next.push(out);
      await slicer.turn();
    }
    runs = next;
  }
  return runs[0];
}
