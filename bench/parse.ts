// The parse worker's CPU per row, alone (issue 18): no database, no merge. Printed, never asserted.
// Run: `npm run bench -- parse [--rows N] [--rounds N] [--inline]` (defaults 200,000 rows, 3 rounds).
//
// A 行政处罚 GB18030 CSV of the import bench's rows (same seed: penaltyCsvChunks, 3% invalid, 2% duplicates) is written
// to a temporary file, then read by the real parse worker (parse.thread.ts parseInWorker: read, decode, parse,
// validate, authority rule, stageRow, messages with transferred buffers) `--rounds` times, each in a fresh worker. The
// main thread only takes the messages (as the import's main thread does before its merge). Per round it prints the CPU
// per row of the worker thread itself (/proc/self/task/<tid>/stat, the thread that appeared when the worker started),
// of the main thread, and of Node's other threads (V8's GC helpers, libuv). `--inline` runs the same parseJob in the
// main thread instead (for `node --cpu-prof`: `node --cpu-prof --max-semi-space-size=64 --import tsx bench/index.ts
// parse --inline` gives a profile of the worker's code without the worker).
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SGS_CF_V2 } from '../src/domains/catalog/builtin/index.ts';
import { FIXTURE_AUTHORITIES, penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { fileEvents, parseJob, type ParseJob } from '../src/domains/ingest/parse.job.ts';
import { parseInWorker } from '../src/domains/ingest/parse.thread.ts';
import type { ParsedEvent } from '../src/domains/ingest/parse.core.ts';
import { arg, close, fmt, write } from './lib.ts';

const SEED = 20261128;
const GEN = { invalidRate: 0.03, duplicateRate: 0.02 };

/** utime + stime of one thread of this process in seconds, or 0 if it has gone. */
function threadCpu(tid: string): number {
  try {
    const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

const processCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const tasks = () => new Set(readdirSync('/proc/self/task'));

/** Counts what the read side yields: rows accepted and rejected, and the staged JSON bytes (a checksum of sorts). */
async function consume(events: AsyncIterable<ParsedEvent>): Promise<{ accepted: number; rejected: number; jsonBytes: number }> {
  let accepted = 0;
  let rejected = 0;
  let jsonBytes = 0;
  for await (const ev of events) {
    if (ev.type !== 'rows') continue;
    for (const r of ev.rows) {
      if (r.kind === 'rejected') rejected++;
      else {
        accepted++;
        jsonBytes += r.staged?.json.length ?? 0;
      }
    }
  }
  return { accepted, rejected, jsonBytes };
}

/** Writes the CSV, then reads it `--rounds` times and prints each round's CPU per row by thread. */
export async function run(args: string[]): Promise<void> {
  const rows = arg(args, 'rows', 200_000);
  const rounds = arg(args, 'rounds', 3);
  const inline = args.includes('--inline');
  const tmp = await mkdtemp(join(tmpdir(), 'citycredit-bench-parse-'));
  try {
    const path = join(tmp, 'penalty-gb18030.csv');
    const out = createWriteStream(path);
    for (const chunk of penaltyCsvChunks(rows, SEED, { ...GEN, encoding: 'gb18030', rowsPerChunk: 5000 })) await write(out, chunk);
    await close(out);
    const now = new Date();
    const job: Omit<ParseJob, 'source'> = {
      item: SGS_CF_V2,
      today: now,
      reportDate: now,
      calendarOverrides: [],
      defaults: {},
      auth: { departmentName: 'bench', own: null, allowed: new Set(FIXTURE_AUTHORITIES.map((a) => a.uscc)) },
      correctionHint: false,
      review: false,
      secret: 'bench-parse-secret-0123456789-abcdefghij',
      keyWithSubject: true,
      batchRows: 500,
    };
    const us = (s: number) => ((s * 1e6) / rows).toFixed(1);
    console.log(`parse ${inline ? 'in the main thread' : 'worker'}: ${fmt(rows)} GB18030 CSV rows, ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    let workerTid: string | null = null;
    for (let i = 1; i <= rounds; i++) {
      const before = tasks();
      const p0 = processCpu();
      const m0 = threadCpu(String(process.pid));
      const t0 = performance.now();
      let w0 = 0;
      let counts;
      if (inline) {
        const file = fileEvents(path, 'csv');
        try {
          counts = await consume(parseJob(job, file.events));
        } finally {
          file.close();
        }
      } else {
        const stream = parseInWorker({ ...job, source: { kind: 'file', path, format: 'csv' } });
        const events = stream.events;
        // The worker's thread is the one that appeared when it started (the first message comes after it has); later
        // rounds get the same worker back from parse.thread.ts's idle pool. Its CPU counts from the header on, so the
        // first round's loading of modules is not in it.
        const first = await events.next();
        workerTid = [...tasks()].find((t) => !before.has(t)) ?? workerTid;
        if (workerTid) w0 = threadCpu(workerTid);
        async function* rest(): AsyncGenerator<ParsedEvent> {
          if (!first.done) yield first.value;
          yield* events;
        }
                counts = await consume(rest());
      }
      const ms = performance.now() - t0;
      const total = processCpu() - p0;
      const main = threadCpu(String(process.pid)) - m0;
      const worker = workerTid ? threadCpu(workerTid) - w0 : 0;
      console.log(
        `  round ${i}: ${fmt(counts.accepted)} accepted, ${fmt(counts.rejected)} rejected, ${fmt(counts.jsonBytes)} JSON bytes, ${(ms / 1000).toFixed(1)} s; ` +
          `CPU µs/row: ${inline ? '' : `worker thread ${us(worker)}, `}main thread ${us(main)}, other threads ${us(total - main - worker)}, all ${us(total)}; ` +
          `load ${loadavg()[0].toFixed(2)}`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
