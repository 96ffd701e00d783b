// The parse worker (issue 18): reads, decodes, parses, validates and stages one import's rows in a worker
// thread, so that the main thread only merges (merge.ts) and PostgreSQL never waits for Node's one thread.
// Rows go to the main thread in batches; a batch's staged values are in buffers of their own (one LineArena per
// batch), transferred rather than copied. Back-pressure: at most MAX_AHEAD messages unacknowledged, so a
// main thread that waits for PostgreSQL holds a bounded number of rows. Started by parse.thread.ts, which keeps it
// for the next import once this one has ended (its modules are loaded once per worker, not once per import).
import { parentPort } from 'node:worker_threads';
import { isIngestError } from './errors.ts';
import { setThreadNice } from './priority.ts';
import { fileEvents, jsonRowEvents, parseJob, type ParseJob, type WorkerMessage } from './parse.job.ts';
import type { SheetEvent, SheetRow } from './rows.ts';
import type { StagedRow } from './staging.ts';
import type { RowResult } from './validate.ts';

/** Messages (batches) sent and not yet consumed by the main thread before the worker waits (16 × 500 rows by default). */
const MAX_AHEAD = 16;

const port = parentPort!;
let inflight = 0;
let wake: (() => void) | null = null;
// Jobs come one at a time (parse.thread.ts lends an idle worker to one import); acknowledgements release the sender.
port.on('message', (m: { t: 'job'; job: ParseJob; nice: number } | { t: 'ack' }) => {
  if (m.t === 'job') {
    inflight = 0;
    // The import's read side yields the cores to interactive work (searches, pages) on this thread only.
    setThreadNice(m.nice);
    void run(m.job).catch(report);
    return;
  }
  inflight--;
  wake?.();
  wake = null;
});
async function send(msg: WorkerMessage, transfer: ArrayBuffer[] = []): Promise<void> {
  while (inflight >= MAX_AHEAD) await new Promise<void>((r) => (wake = r));
  inflight++;
  port.postMessage(msg, transfer);
}

const NO_CELLS: readonly string[] = Object.freeze([]);
const NO_VALUES: RowResult['values'] = Object.freeze({});
const NO_ISSUES: RowResult['errors'] = Object.freeze([]);
const NO_SUBJECT: RowResult['subject'] = Object.freeze({ category: null, name: null });

/**
 * A staged row as it crosses: its values and cells stay here (the staged version holds what the merge needs),
 * and the result keeps only the flags the commit counts. The buffers of its staged JSON and cells are collected for transfer.
 * Rows of one message with the same flags share one result object, with empty parts shared by all: structured clone
 * serialises an object met again as a reference, so the main thread decodes (and its garbage collector traces) one
 * object per distinct set of flags instead of five objects per staged row (issue 18).
 */
function wire(row: StagedRow, buffers: Set<ArrayBuffer>, results: Map<string, RowResult>): StagedRow {
  if (row.kind !== 'accepted' || !row.staged) return row;
  const s = row.staged;
  buffers.add(s.json.buffer as ArrayBuffer);
  buffers.add(s.cells.buffer as ArrayBuffer);
  const r = row.result;
  const flags = `${r.late ? 1 : 0}${r.provisional ? 1 : 0}${r.withdrawn ? 1 : 0}${r.workingDays ?? ''}`;
  let result = results.get(flags);
  if (!result) {
    result = { ok: true, values: NO_VALUES, errors: NO_ISSUES, warnings: NO_ISSUES, late: r.late, workingDays: r.workingDays, provisional: r.provisional, withdrawn: r.withdrawn, subject: NO_SUBJECT };
    results.set(flags, result);
  }
  return { kind: 'accepted', rowNumber: row.rowNumber, cells: NO_CELLS, result, staged: s };
}

async function run(job: ParseJob): Promise<void> {
  let progress = 0;
  let events: AsyncIterable<SheetEvent>;
  let file: ReturnType<typeof fileEvents> | null = null;
  if (job.source.kind === 'file') {
    file = fileEvents(job.source.path, job.source.format);
    events = file.events;
  } else events = jsonRowEvents(job.source.rows, (n) => (progress = n));
  const raw: SheetRow[] | null = job.review ? [] : null;
  try {
    for await (const ev of parseJob(job, events, raw ? (r) => raw.push(r) : undefined)) {
      if (file) progress = file.bytesRead();
      if (ev.type === 'header') await send({ t: 'header', header: ev.header, mapping: ev.mapping });
      else if (ev.type === 'rows') {
        const buffers = new Set<ArrayBuffer>();
        const results = new Map<string, RowResult>();
        const rows = ev.rows.map((r) => wire(r, buffers, results));
        await send({ t: 'rows', rows, raw: raw ? raw.splice(0) : null, progress }, [...buffers]);
      } else {
        port.postMessage({ t: 'end', fileErrors: ev.fileErrors, warnings: ev.warnings, sha256: file ? file.hash.digest('hex') : null, progress } satisfies WorkerMessage);
        return;
      }
    }
  } finally {
    file?.close();
  }
}

/** Sends a failure to the main thread: an IngestError with its code (the receipt names it), anything else as an error. */
function report(e: unknown): void {
  const msg: WorkerMessage = isIngestError(e)
    ? { t: 'error', ingest: { code: e.code, message: e.message, details: e.details }, message: e.message }
    : { t: 'error', ingest: null, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
  port.postMessage(msg);
}
