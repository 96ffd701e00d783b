// The parse worker (issue 18): reads, decodes, parses, validates and stages one import's rows in a worker
// thread, so that the main thread only merges (merge.ts) and PostgreSQL never waits for Node's one thread.
// Rows go to the main thread in batches, their staged versions packed as columns (parse.wire.ts); a batch's staged
// values are in buffers of their own (one LineArena per batch), transferred rather than copied. Back-pressure: at most MAX_AHEAD messages unacknowledged, so a
// main thread that waits for PostgreSQL holds a bounded number of rows. Started by parse.thread.ts, which keeps it
// for the next import once this one has ended (its modules are loaded once per worker, not once per import).
import { parentPort } from 'node:worker_threads';
import { isIngestError } from './errors.ts';
import { setThreadNice } from './priority.ts';
import { fileEvents, jsonRowEvents, parseJob, type ParseJob, type WorkerMessage } from './parse.job.ts';
import type { SheetEvent, SheetRow } from './rows.ts';
import { packRows } from './parse.wire.ts';

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
        const rows = packRows(ev.rows);
        await send({ t: 'rows', rows, raw: raw ? raw.splice(0) : null, progress }, rows.buffers);
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
