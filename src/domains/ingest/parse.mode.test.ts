// INGEST_PARSE_THREAD (issue 18): a file read in the parse worker and the same file read in the main thread give the
// same receipt and store the same records, table-driven over a few fixtures; and a file whose reading needs more
// memory than the worker's heap limit is refused with a clear Chinese error, nothing written, the process alive.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { TestDb } from '../../../test/helpers/db.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { buildZip } from '../../../test/fixtures/ingest/zip.ts';
import { generatePenaltyRows, PENALTY_HEADERS, penaltyCsvChunks } from './fixtures.ts';
import { importFile, importRows, WORKER_MIN_JSON_ROWS, type Receipt } from './import.service.ts';

const SECRET = 'parse-mode-test-secret-0123456789abcdefgh';
type Mode = 'worker' | 'inline';
const MODES: Mode[] = ['worker', 'inline'];

// One database per mode, so that each fixture meets the same stored state in both.
const sides = new Map<Mode, IngestBed>();
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-parse-mode-'));
  for (const mode of MODES) sides.set(mode, await openIngestBed({ secret: SECRET }));
});
after(async () => {
  for (const s of sides.values()) await s.close();
  await rm(dir, { recursive: true, force: true });
});

/** A file under the mode's own folder, so that both modes import it under the same name. */
async function file(mode: Mode | 'other', name: string, content: Buffer): Promise<string> {
  await mkdir(join(dir, mode), { recursive: true });
  const p = join(dir, mode, name);
  await writeFile(p, content);
  return p;
}

async function penaltyXlsx(rows: number, seed: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('行政处罚');
  ws.addRow([...PENALTY_HEADERS]);
  for (const r of generatePenaltyRows(rows, seed, { invalidRate: 0.05, duplicateRate: 0.05 })) ws.addRow(r.cells);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** What an import stored: its batch's hash and counts, its records' keys and content hashes, its rejects' rows and codes. */
async function stored(t: TestDb, batchId: string) {
  const batch = await t.db.selectFrom('ingest_batches').select(['status', 'file_sha256', 'total', 'accepted', 'rejected']).where('id', '=', batchId).executeTakeFirstOrThrow();
  const records = await sql<{ k: string; h: string; r: number }>`
    SELECT record_key AS k, current_hash AS h, row_number AS r FROM records WHERE batch_id = ${batchId} ORDER BY row_number, record_key`.execute(t.db);
  const rejects = await sql<{ r: number; codes: string }>`
    SELECT row_number AS r, (SELECT string_agg(e->>'code', ',') FROM jsonb_array_elements(errors) e) AS codes
      FROM ingest_rejects WHERE batch_id = ${batchId} ORDER BY row_number`.execute(t.db);
  return { batch, records: records.rows, rejects: rejects.rows };
}

// Batch ids are each database's own; an earlier batch with the same content is named in both or in neither.
const receiptOf = ({ batchId: _, sameAsBatch, ...r }: Receipt) => ({ ...r, sameAsBatch: sameAsBatch !== null });

const jsonRows = [...generatePenaltyRows(WORKER_MIN_JSON_ROWS + 200, 77, { invalidRate: 0.05, duplicateRate: 0.05 })].map((r) =>
  Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])),
);

// exceljs stamps the time into the workbook: both modes get the same bytes.
let xlsxBytes: Promise<Buffer> | null = null;

const FIXTURES: { name: string; run: (s: IngestBed, mode: Mode) => Promise<Receipt> }[] = [
  {
    name: 'GB18030 CSV, 3,000 rows with invalid and duplicate rows',
    run: async (s, mode) =>
      importFile(s.fileOptions(await file(mode, 'gb.csv', Buffer.concat([...penaltyCsvChunks(3000, 31, { encoding: 'gb18030', invalidRate: 0.05, duplicateRate: 0.05 })])), { parseThread: mode })),
  },
  {
    name: 'XLSX written by exceljs, 600 rows',
    run: async (s, mode) =>
      importFile(s.fileOptions(await file(mode, 'x.xlsx', await (xlsxBytes ??= penaltyXlsx(600, 32))), { parseThread: mode })),
  },
  {
    name: 'the same CSV again (duplicates only, same content as an earlier batch)',
    run: async (s, mode) =>
      importFile(s.fileOptions(join(dir, mode, 'gb.csv'), { parseThread: mode })),
  },
  {
    name: 'a CSV with a header and no data rows (a file error)',
    run: async (s, mode) =>
      importFile(s.fileOptions(await file(mode, 'empty.csv', Buffer.from(`${PENALTY_HEADERS.join(',')}\n`)), { parseThread: mode })),
  },
  {
    name: `JSON rows, ${WORKER_MIN_JSON_ROWS + 200} (the signed API's large batch)`,
    run: (s, mode) => importRows(s.rowsOptions(jsonRows, { parseThread: mode })),
  },
];

test('issue 18: the parse worker and the main thread give the same receipt and store the same rows, fixture by fixture', async () => {
  for (const f of FIXTURES) {
    const got = new Map<Mode, { receipt: Receipt; stored: Awaited<ReturnType<typeof stored>> }>();
    for (const mode of MODES) {
      const s = sides.get(mode)!;
      const receipt = await f.run(s, mode);
      got.set(mode, { receipt, stored: await stored(s, receipt.batchId) });
    }
    const w = got.get('worker')!;
    const i = got.get('inline')!;
    assert.deepEqual(receiptOf(i.receipt), receiptOf(w.receipt), `${f.name}: receipt`);
    assert.deepEqual(i.stored, w.stored, `${f.name}: what was stored`);
    assert.ok(w.receipt.total > 0 || w.receipt.errors.length > 0, `${f.name}: the fixture reads something`);
  }
});

/** A workbook whose one data row is a single inline string of `bytes` random hex: reading it means holding the row whole. */
function hungryXlsx(bytes: number): Buffer {
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const head = `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData><row r="1">${PENALTY_HEADERS.map((h) => `<c t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row><row r="2"><c t="inlineStr"><is><t>`;
  const sheet = Buffer.concat([Buffer.from(head), Buffer.from(randomBytes(bytes / 2).toString('hex')), Buffer.from('</t></is></c></row></sheetData></worksheet>')]);
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    { name: 'xl/workbook.xml', data: Buffer.from(`<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
  ]);
}

test('issue 18: an XLSX that needs more memory than the parse worker may use is refused with parse_memory_exceeded, nothing written', async () => {
  const s = sides.get('worker')!;
  const count = async (table: 'records' | 'ingest_rejects') => (await s.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  const before = { records: await count('records'), rejects: await count('ingest_rejects') };
  // 48 MB in one row, within the zip guard's limits (random hex inflates about 2:1), against a 64 MiB heap.
  const path = await file('other', 'hungry.xlsx', hungryXlsx(48 * 1024 * 1024));
  const r = await importFile(s.fileOptions(path, { parseWorkerMb: 64 }));
  assert.equal(r.status, 'rejected');
  assert.equal(r.errors[0]?.code, 'parse_memory_exceeded', JSON.stringify(r.errors));
  assert.match(r.errors[0].message, /内存超过 64 MB 的上限.*请拆分后分批上传/);
  assert.deepEqual({ records: await count('records'), rejects: await count('ingest_rejects') }, before, 'nothing written');
  const batch = await s.db.selectFrom('ingest_batches').select(['status']).where('id', '=', r.batchId).executeTakeFirstOrThrow();
  assert.equal(batch.status, 'rejected');
  // The next import in this process still works (a fresh worker; the one that ran out was stopped).
  const ok = await importFile(s.fileOptions(join(dir, 'worker', 'gb.csv')));
  assert.equal(ok.status, 'committed');
});
