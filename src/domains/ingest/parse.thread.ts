// The main thread's side of the parse worker (parse.worker.ts): starts it for one import and turns its
// messages back into the read side's events (parse.core.ts ParsedEvent), acknowledging each batch as it is
// taken (the worker's back-pressure). An error in the worker reaches the caller as it would have been thrown
// here (IngestError with its code, so the receipt is the same); stopping early terminates the worker.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IngestError, type FileErrorCode } from './errors.ts';
import type { ParsedEvent } from './parse.core.ts';
import type { ParseJob, WorkerMessage } from './parse.job.ts';
import type { SheetRow } from './rows.ts';
import { unpackRows } from './parse.wire.ts';

// Under tsx (development, tests, benches) this file is TypeScript and so is the worker; in the build (bin/build.mjs)
// both are compiled JavaScript side by side.
const IN_TYPESCRIPT = extname(fileURLToPath(import.meta.url)) === '.ts';
const WORKER_URL = new URL(`./parse.worker${IN_TYPESCRIPT ? '.ts' : '.js'}`, import.meta.url);

/**
 * The worker as Node starts it. On Node 20 a worker does not get the main thread's module hooks (`--import tsx`
 * in execArgv is not applied to workers), so under tsx a small module registers tsx's loader first, then
 * imports the TypeScript worker. The build starts the compiled file directly.
 */
function startWorker(heapMb: number): Worker {
  // The heap limit (issue 18): past it V8 stops the worker (ERR_WORKER_OUT_OF_MEMORY, turned into
  // parse_memory_exceeded below) instead of the file growing the whole server's memory.
  const resourceLimits = { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB };
  if (!IN_TYPESCRIPT) return new Worker(WORKER_URL, { resourceLimits });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

/**
 * The parse worker's young generation in MiB (V8 makes it three semi-spaces: 64 MiB each, against Node's default
 * of 16). With the default, the rows of a file being read outlive a scavenge often enough that the worker spent about
 * a quarter of its time in the garbage collector; with 64 MiB semi-spaces its CPU per row fell from about 44 to 30 µs
 * on a re-import of 100,000 rows (issue 18; V8 rounds a semi-space up to a power of two, so 96 MiB changed nothing).
 * Memory is taken only as the young generation grows, and is not part of the old-generation limit below.
 */
const PARSE_WORKER_YOUNG_MB = 192;

/** The parse worker's heap limit in MiB when the caller names none (config.ingestParseWorkerMb has the same default). */
export const PARSE_WORKER_MB = 512;

/** The refusal of a file whose reading needed more than the worker's heap limit. */
function memoryExceeded(heapMb: number): IngestError {
  return new IngestError('parse_memory_exceeded', `文件解析所需内存超过 ${heapMb} MB 的上限，为保护系统已停止处理。请拆分后分批上传`, { limitMb: heapMb });
}

/**
 * Workers whose import ended are kept for the next one (loading the read side's modules costs a worker about as
 * much as reading a few thousand rows); unreferenced, so an idle worker never keeps a CLI or test process alive.
 */
const IDLE_WORKERS = 2;
const idle: { worker: Worker; heapMb: number }[] = [];

function acquire(heapMb: number): Worker {
  for (;;) {
    const i = idle.findLastIndex((w) => w.heapMb === heapMb);
    if (i < 0) return startWorker(heapMb);
    const [{ worker: w }] = idle.splice(i, 1);
    if (w.threadId >= 0) {
      w.ref();
      return w;
    }
  }
}

function release(w: Worker, heapMb: number): void {
  if (idle.length >= IDLE_WORKERS) {
    void w.terminate().catch(() => undefined);
    return;
  }
  w.unref();
  idle.push({ worker: w, heapMb });
}

/** A running parse: its events, the progress (bytes read, or JSON rows read) and, after the end, the file's SHA-256. */
export interface ParseStream {
  events: AsyncGenerator<ParsedEvent>;
  progress: () => number;
  sha256: () => string | null;
}

/** Starts the parse worker on a job; `onRawRow` receives each row as read (review only); the worker runs at `nice` (priority.ts) with its heap limited to `heapMb`. */
export function parseInWorker(job: ParseJob, onRawRow?: (row: SheetRow) => void, nice = 0, heapMb: number = PARSE_WORKER_MB): ParseStream {
  const worker = acquire(heapMb);
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let finished = false;
  let notify: (() => void) | null = null;
  let progress = 0;
  let sha256: string | null = null;
  const wakeUp = () => {
    notify?.();
    notify = null;
  };
  const onMessage = (m: WorkerMessage) => {
    queue.push(m);
    wakeUp();
  };
  const onError = (e: Error) => {
    failure ??= (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? memoryExceeded(heapMb) : e;
    wakeUp();
  };
  const onExit = (code: number) => {
    if (!finished) failure ??= new Error(`the parse worker stopped (exit code ${code}) before the end of the file`);
    wakeUp();
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  worker.postMessage({ t: 'job', job, nice });
  async function next(): Promise<WorkerMessage> {
    for (;;) {
      const m = queue.shift();
      if (m) return m;
      if (failure) throw failure;
      await new Promise<void>((r) => (notify = r));
    }
  }
  let lastWasError = false;
  async function* events(): AsyncGenerator<ParsedEvent> {
    try {
      for (;;) {
        const m = await next();
        if (m.t === 'error') {
          lastWasError = true;
          if (m.ingest) throw new IngestError(m.ingest.code as FileErrorCode, m.ingest.message, m.ingest.details as Record<string, unknown> | undefined);
          const e = new Error(`parse worker: ${m.message}`);
          if (m.stack) e.stack = `${e.message}\n--- in the parse worker:\n${m.stack}`;
          throw e;
        }
        if (m.t === 'end') {
          finished = true;
          progress = m.progress;
          sha256 = m.sha256;
          yield { type: 'end', fileErrors: m.fileErrors, warnings: m.warnings };
          return;
        }
        worker.postMessage({ t: 'ack' });
        if (m.t === 'header') {
          yield { type: 'header', header: m.header, mapping: m.mapping };
          continue;
        }
        progress = m.progress;
        if (m.raw && onRawRow) for (const r of m.raw) onRawRow(r);
        // Staged versions arrive as columns (parse.wire.ts), their JSON as views on the transferred buffers (no copy).
        yield { type: 'rows', rows: unpackRows(m.rows) };
      }
    } finally {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // After its end (or a file error it reported) the worker is idle and serves the next import. Stopped early (a
      // refused header, a failed merge) it may still be reading: it is stopped, and waited for.
      const idleNow = finished || lastWasError;
      finished = true;
      if (idleNow && !failure) release(worker, heapMb);
      else await worker.terminate();
    }
  }
  return { events: events(), progress: () => progress, sha256: () => sha256 };
}
