// End-to-end over the small real fixtures in test/fixtures/ingest (built by build-fixtures.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateSheet, validateUpload, type SheetCheckEvent, type UploadEvent } from './pipeline.ts';
import { PENALTY_HEADERS, generatePenaltyRows } from './fixtures.ts';
import type { SheetEvent } from './rows.ts';
import { isIngestError } from './errors.ts';
import type { PenaltyDefect } from './fixtures.ts';
import { SGS_CF_V2, SGS_XK_V2 } from '../catalog/builtin/index.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from './fixtures.ts';

const FIX = new URL('../../../test/fixtures/ingest/', import.meta.url);
const path = (name: string) => fileURLToPath(new URL(name, FIX));
const ctx = {
  today: new Date('2026-11-28T04:00:00Z'),
  calendar: createWorkCalendar(),
  reportDate: new Date('2026-11-28T04:00:00Z'),
};

async function run(name: string, opts: Partial<Parameters<typeof validateUpload>[1]> = {}): Promise<UploadEvent[]> {
  const out: UploadEvent[] = [];
  for await (const ev of validateUpload(createReadStream(path(name), { highWaterMark: 997 }), {
    item: SGS_CF_V2,
    ctx,
    filename: name,
    ...opts,
  })) {
    out.push(ev);
  }
  return out;
}
const end = (evs: UploadEvent[]) => evs.at(-1) as Extract<UploadEvent, { type: 'end' }>;
const rowEvents = (evs: UploadEvent[]) => evs.filter((e): e is Extract<UploadEvent, { type: 'row' }> => e.type === 'row');

/** The validation code each generator defect must produce. */
const DEFECT_CODE: Record<PenaltyDefect, string> = {
  uscc_check_char: 'uscc_invalid',
  uscc_float_mangled: 'code_float_damaged',
  missing_fact: 'required_missing',
  bad_date: 'date_invalid',
  future_date: 'date_in_future',
  negative_amount: 'amount_negative',
  unknown_category: 'enum_invalid',
  id_in_remark: 'id_number_in_public_field',
  category_prefix: 'uscc_category_mismatch',
  authority_uscc: 'authority_uscc_invalid',
  control_char: 'control_char',
  fact_too_long: 'too_long',
};

test('GBK CSV of 行政处罚: sniffed, decoded in odd-sized chunks, every defect found, nothing else', async () => {
  const expected = JSON.parse(readFileSync(path('cf_v2_gbk.expected.json'), 'utf8')) as {
    row: number;
    defect: PenaltyDefect | null;
  }[];
  const evs = await run('cf_v2_gbk.csv');
  const header = evs[0] as Extract<UploadEvent, { type: 'header' }>;
  assert.equal(header.header.encoding, 'gb18030');
  assert.equal(header.mapping.ok, true);
  const rows = rowEvents(evs);
  assert.equal(rows.length, expected.length);
  for (const [i, r] of rows.entries()) {
    const want = expected[i];
    assert.equal(r.rowNumber, want.row);
    if (want.defect) assert.deepEqual([...new Set(r.result.errors.map((e) => e.code))], [DEFECT_CODE[want.defect]], `row ${r.rowNumber}`);
    else assert.deepEqual(r.result.errors, [], `row ${r.rowNumber}`);
  }
  const s = end(evs).summary;
  assert.equal(s.rows, 24);
  assert.equal(s.rejected, expected.filter((e) => e.defect).length);
  assert.equal(s.accepted + s.rejected, s.rows);
  assert.deepEqual(end(evs).fileErrors, []);
  assert.ok(s.late > 0, 'generated decisions from 2025 are late by November 2026');
});

test('v1 GBK file: mapped onto v2, authority from the department context', async () => {
  const rng = mulberry32(1);
  const auth = generateUscc(rng, { prefix: '11', region: '630100' });
  const evs = await run('cf_v1_gbk.csv', {
    ctx: { ...ctx, defaults: { authority_uscc: auth, source_name: '西宁市市场监督管理局', source_uscc: auth } },
  });
  const header = evs[0] as Extract<UploadEvent, { type: 'header' }>;
  assert.equal(header.mapping.format.id, 'sgs_cf_v1');
  const rows = rowEvents(evs);
  assert.deepEqual(
    rows.map((r) => r.result.errors),
    [[], []],
  );
  assert.equal(rows[0].result.values.CF_CFLB, '03');
  assert.equal(rows[1].result.values.CF_CFLB, '01;L2');
  assert.equal(rows[1].result.withdrawn, true);
  assert.equal(rows[1].result.subject.orgCode, rows[0].result.subject.uscc!.slice(8, 17));
  assert.deepEqual(end(evs).summary.withdrawn, 1);
});

test('XLSX: numeric code cell rejected, formula result and HTML kept as text, Excel date read', async () => {
  const evs = await run('cf_v2.xlsx');
  const rows = rowEvents(evs);
  assert.equal(rows.length, 3);
  assert.equal(rows[0].result.ok, true);
  assert.match(String(rows[0].result.values.CF_SY), /^<script>alert\("x"\)<\/script>/);
  assert.deepEqual(
    rows[1].result.errors.map((e) => e.code),
    ['code_numeric_cell'],
  );
  assert.equal(rows[2].result.ok, true);
  assert.equal(rows[2].result.values.CF_NR, '罚款人民币2000元');
  assert.equal(rows[2].result.values.CF_JDRQ, '2026-03-03');
  assert.deepEqual(
    rows[2].result.warnings.map((w) => w.code).filter((c) => c !== 'late_report'),
    ['formula_cached_value'],
  );
});

test('headers only → no_data_rows', async () => {
  const evs = await run('headers_only.csv');
  assert.deepEqual(end(evs).fileErrors, [{ code: 'no_data_rows', message: '文件只有表头，没有数据行' }]);
  assert.equal(end(evs).summary.rows, 0);
});

test('wrong catalogue item: stops after the header with the suggestion', async () => {
  const evs = await run('cf_v2_gbk.csv', { item: SGS_XK_V2 });
  assert.equal(evs.length, 2);
  assert.equal(end(evs).fileErrors[0].code, 'wrong_catalog_item');
  assert.match(end(evs).fileErrors[0].message, /『行政处罚』，而不是『行政许可』/);
});

test('bare quotes and ragged rows are row errors; the good row passes', async () => {
  const rows = rowEvents(await run('bad_quotes_ragged.csv'));
  assert.deepEqual(
    rows.map((r) => r.result.errors.map((e) => e.code)),
    [['row_bad_quote'], ['row_ragged'], []],
  );
});

async function refused(name: string): Promise<string> {
  try {
    await run(name);
  } catch (err) {
    assert.ok(isIngestError(err), String(err));
    return err.code;
  }
  assert.fail('expected an IngestError');
}

test('refused files: mixed encodings, a PDF named .xlsx', async () => {
  assert.equal(await refused('mixed_encoding.csv'), 'encoding_mixed');
  assert.equal(await refused('report_renamed.xlsx'), 'not_a_spreadsheet');
});

/** The chain over hand-made reader events (JSON rows of the signed API arrive this way). */
async function chain(events: SheetEvent[]): Promise<SheetCheckEvent[]> {
  const out: SheetCheckEvent[] = [];
  for await (const ev of validateSheet((async function* () { yield* events; })(), { item: SGS_CF_V2, ctx })) out.push(ev);
  return out;
}

test('validateSheet: no header → empty_file; a header and no rows → no_data_rows; rows are validated with the reader\'s row facts', async () => {
  const none = await chain([{ kind: 'end', rows: 0, emptyRowsSkipped: 0, encoding: null }]);
  assert.deepEqual(none, [{ type: 'end', rows: 0, emptyRowsSkipped: 0, encoding: null, fileErrors: [{ code: 'empty_file', message: '文件中没有表头和数据' }] }]);

  const header: SheetEvent = { kind: 'header', rowNumber: 1, cells: [...PENALTY_HEADERS], format: 'csv', encoding: 'utf-8', skippedBefore: 0 };
  const empty = await chain([header, { kind: 'end', rows: 0, emptyRowsSkipped: 3, encoding: 'utf-8' }]);
  assert.deepEqual(empty.map((e) => e.type), ['header', 'end']);
  assert.deepEqual(empty.at(-1), { type: 'end', rows: 0, emptyRowsSkipped: 3, encoding: 'utf-8', fileErrors: [{ code: 'no_data_rows', message: '文件只有表头，没有数据行' }] });

  const usccCol = PENALTY_HEADERS.findIndex((h) => h.includes('统一社会信用代码'));
  const good = [...generatePenaltyRows(40, 5)].find((r) => !r.defect && r.cells[usccCol] !== '')!;
  const evs = await chain([
    header,
    { kind: 'row', rowNumber: 2, cells: [...good.cells] },
    // The same row from a spreadsheet whose code column was numeric: the validator sees the reader's facts.
    { kind: 'row', rowNumber: 3, cells: [...good.cells], numericCols: [usccCol] },
    { kind: 'end', rows: 2, emptyRowsSkipped: 0, encoding: 'utf-8' },
  ]);
  const rows = evs.filter((e): e is Extract<SheetCheckEvent, { type: 'row' }> => e.type === 'row');
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 3]);
  assert.deepEqual(rows[0].result.errors, []);
  assert.deepEqual(rows[1].result.errors.map((e) => e.code), ['code_numeric_cell']);
  assert.deepEqual(evs.at(-1), { type: 'end', rows: 2, emptyRowsSkipped: 0, encoding: 'utf-8', fileErrors: [] });
});
