// How a batch of staged rows crosses from the parse worker to the main thread (issue 18). Structured clone writes an
// object property by property, each with its name, and the receiving side looks every name up again: for 500 staged
// versions of twenty fields each that was about 3.5 µs of the worker's CPU per row and as much of the main thread's.
// Here a batch's staged versions cross as columns instead: their strings in one array, their numbers and flags in one
// Int32Array, their JSON views as (buffer, offset, length) into the batch's arenas, which are transferred, not copied.
// Rejected rows and rows that are not staged (held for review) cross as they are. `unpackRows` rebuilds the very
// objects stageRow makes (same fields, same order), so what reaches the merge does not depend on the thread.
import type { StagedRow, StagedVersion } from './staging.ts';
import type { RowResult } from './validate.ts';

/** A batch of rows as posted by the worker: `order[i]` says whether row i is the next staged one (1) or the next of `rows` (0). */
export interface WireRows {
  order: Uint8Array;
  /** The rows that are not staged (rejected, or accepted for review), in file order. */
  rows: StagedRow[];
  /** Per staged row, STRINGS strings: see packRows. */
  strings: (string | null)[];
  /** Per staged row, INTS numbers: row number, working days, flags, then the JSON and cells views. */
  ints: Int32Array;
  /** The arenas the views point into (transferred with the message). */
  buffers: ArrayBuffer[];
}

const STRINGS = 12;
const INTS = 9;
const LATE = 1;
const PROVISIONAL = 2;
const WITHDRAWN = 4;
const NO_WORKING_DAYS = 8;

/** Packs a batch of rows for postMessage; the returned buffers go in the transfer list. */
export function packRows(batch: readonly StagedRow[]): WireRows {
  const order = new Uint8Array(batch.length);
  const rows: StagedRow[] = [];
  let staged = 0;
  for (const r of batch) if (r.kind === 'accepted' && r.staged) staged++;
  const strings: (string | null)[] = new Array<string | null>(staged * STRINGS);
  const ints = new Int32Array(staged * INTS);
  const buffers: ArrayBuffer[] = [];
  const bufferIndex = new Map<ArrayBuffer, number>();
  const indexOf = (b: ArrayBuffer): number => {
    let i = bufferIndex.get(b);
    if (i === undefined) {
      i = buffers.push(b) - 1;
      bufferIndex.set(b, i);
    }
    return i;
  };
  let si = 0;
  let ii = 0;
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    if (r.kind !== 'accepted' || !r.staged) {
      rows.push(r);
      continue;
    }
    order[i] = 1;
    const s = r.staged;
    strings[si++] = s.key;
    strings[si++] = s.authority;
    strings[si++] = s.docNo;
    strings[si++] = s.hash;
    strings[si++] = s.decision;
    strings[si++] = s.kind;
    strings[si++] = s.name;
    strings[si++] = s.uscc;
    strings[si++] = s.idHash;
    strings[si++] = s.idNumber;
    strings[si++] = s.orgCode;
    strings[si++] = s.regNo;
    ints[ii++] = s.rowNumber;
    ints[ii++] = s.workingDays ?? 0;
    ints[ii++] = (s.late ? LATE : 0) | (s.provisional ? PROVISIONAL : 0) | (s.withdrawn ? WITHDRAWN : 0) | (s.workingDays === null ? NO_WORKING_DAYS : 0);
    ints[ii++] = indexOf(s.json.buffer as ArrayBuffer);
    ints[ii++] = s.json.byteOffset;
    ints[ii++] = s.json.byteLength;
    ints[ii++] = indexOf(s.cells.buffer as ArrayBuffer);
    ints[ii++] = s.cells.byteOffset;
    ints[ii++] = s.cells.byteLength;
  }
  return { order, rows, strings, ints, buffers };
}

const NO_CELLS: readonly string[] = Object.freeze([]);
const NO_VALUES: RowResult['values'] = Object.freeze({});
const NO_ISSUES: RowResult['errors'] = Object.freeze([]);
const NO_SUBJECT: RowResult['subject'] = Object.freeze({ category: null, name: null });

/**
 * The rows of a packed batch in file order. A staged row arrives with its staged version (views on the transferred
 * arenas as Buffers) and, as `result`, only the flags the commit counts: rows with the same flags share one result
 * object, its empty parts shared by all (the main thread's garbage collector traces one object per set of flags).
 */
export function unpackRows(w: WireRows): StagedRow[] {
  const out: StagedRow[] = new Array<StagedRow>(w.order.length);
  const results = new Map<number, RowResult>();
  const { strings: t, ints: n, buffers } = w;
  let next = 0;
  let si = 0;
  let ii = 0;
  for (let i = 0; i < out.length; i++) {
    if (w.order[i] === 0) {
      out[i] = w.rows[next++];
      continue;
    }
    const rowNumber = n[ii];
    const flags = n[ii + 2];
    const late = (flags & LATE) !== 0;
    const provisional = (flags & PROVISIONAL) !== 0;
    const withdrawn = (flags & WITHDRAWN) !== 0;
    const workingDays = flags & NO_WORKING_DAYS ? null : n[ii + 1];
    const staged: StagedVersion = {
      rowNumber,
      key: t[si] as string,
      authority: t[si + 1] as string,
      docNo: t[si + 2] as string,
      hash: t[si + 3] as string,
      withdrawn,
      late,
      workingDays,
      provisional,
      decision: t[si + 4],
      kind: t[si + 5] as StagedVersion['kind'],
      name: t[si + 6],
      uscc: t[si + 7],
      idHash: t[si + 8],
      idNumber: t[si + 9],
      orgCode: t[si + 10],
      regNo: t[si + 11],
      json: Buffer.from(buffers[n[ii + 3]], n[ii + 4], n[ii + 5]),
      line: null,
      cells: Buffer.from(buffers[n[ii + 6]], n[ii + 7], n[ii + 8]),
    };
    si += STRINGS;
    ii += INTS;
    // One number keys the set of flags: working days (0 when null, which has its own flag) above the four flag bits.
    const key = n[ii - INTS + 1] * 16 + (flags & 15);
    let result = results.get(key);
    if (!result) {
      result = { ok: true, values: NO_VALUES, errors: NO_ISSUES, warnings: NO_ISSUES, late, workingDays, provisional, withdrawn, subject: NO_SUBJECT };
      results.set(key, result);
    }
    out[i] = { kind: 'accepted', rowNumber, result, cells: NO_CELLS, staged };
  }
  return out;
}
