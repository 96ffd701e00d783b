// Throughput of the ingest core, printed (never asserted). Same shape as bench/<name>.ts modules.
//   npx tsx src/domains/ingest/validate.bench.ts [rows=200000]
// 1. validateRow alone over generated 行政处罚 rows held in memory;
// 2. the whole pure pipeline on a GB18030 CSV in memory: decode → csv-parse → match → validate.
import { pathToFileURL } from 'node:url';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';
import { PENALTY_HEADERS, generatePenaltyRows, penaltyCsvChunks } from './fixtures.ts';
import { matchHeaders } from './headers.ts';
import { validateUpload } from './pipeline.ts';
import { compileRowValidator } from './validate.ts';

/** Runs both measurements and prints rows/s. */
export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 200_000);
  const opts = { invalidRate: 0.05, duplicateRate: 0.01 };
  const now = new Date();
  const ctx = { today: now, calendar: createWorkCalendar(), reportDate: now };

  let t = performance.now();
  const rows = Array.from(generatePenaltyRows(n, 42, opts), (r) => r.cells);
  console.log(`generated ${n} rows in ${Math.round(performance.now() - t)} ms`);
  const validate = compileRowValidator(SGS_CF_V2, matchHeaders(SGS_CF_V2, PENALTY_HEADERS));
  for (let i = 0; i < Math.min(n, 20_000); i++) validate(rows[i], ctx); // warm-up
  t = performance.now();
  let ok = 0;
  for (const cells of rows) if (validate(cells, ctx).ok) ok++;
  const ms = performance.now() - t;
  console.log(`validateRow: ${n} rows in ${Math.round(ms)} ms → ${Math.round((n / ms) * 1000)} rows/s (${ok} ok)`);

  t = performance.now();
  const csv = Buffer.concat([...penaltyCsvChunks(n, 42, { ...opts, encoding: 'gb18030' })]);
  console.log(`GB18030 CSV: ${(csv.length / 1048576).toFixed(1)} MiB encoded in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  let summary = null;
  for await (const ev of validateUpload(csv, { item: SGS_CF_V2, ctx, filename: 'bench.csv' })) {
    if (ev.type === 'end') summary = ev.summary;
  }
  const ms2 = performance.now() - t;
  console.log(
    `pipeline (decode+parse+match+validate): ${summary?.rows} rows in ${Math.round(ms2)} ms → ${Math.round((n / ms2) * 1000)} rows/s, ` +
      `${((csv.length / 1048576 / ms2) * 1000).toFixed(1)} MiB/s; accepted ${summary?.accepted}, rejected ${summary?.rejected}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
