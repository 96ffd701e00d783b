import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PENALTY_DEFECTS, PENALTY_HEADERS, generatePenaltyRows, penaltyCsvChunks } from './fixtures.ts';
import { matchHeaders } from './headers.ts';
import { validateRow } from './validate.ts';
import { readRows } from './rows.ts';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';

const ctx = {
  today: new Date('2026-11-28T04:00:00Z'),
  calendar: createWorkCalendar(),
  reportDate: new Date('2026-11-28T04:00:00Z'),
};
const mapping = matchHeaders(SGS_CF_V2, PENALTY_HEADERS);

test('deterministic: same n, seed and options → same rows', () => {
  const a = [...generatePenaltyRows(200, 5, { invalidRate: 0.1, duplicateRate: 0.1 })];
  const b = [...generatePenaltyRows(200, 5, { invalidRate: 0.1, duplicateRate: 0.1 })];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, [...generatePenaltyRows(200, 6, { invalidRate: 0.1, duplicateRate: 0.1 })]);
  assert.equal(mapping.ok, true);
});

test('clean rows are realistic and pass validation; 西宁 districts, mixed subject kinds', () => {
  const rows = [...generatePenaltyRows(2000, 42)];
  const kinds = new Map<string, number>();
  for (const r of rows) {
    assert.equal(r.defect, null);
    const res = validateRow(SGS_CF_V2, mapping, r.cells, ctx);
    assert.deepEqual(res.errors, [], r.cells.join('|'));
    const cat = res.subject.category!;
    kinds.set(cat, (kinds.get(cat) ?? 0) + 1);
    const region = Number(res.subject.uscc ? res.subject.uscc.slice(2, 8) : res.subject.idNumber!.slice(0, 6));
    assert.ok(region >= 630102 && region <= 630123, String(region));
    assert.match(String(res.values.CF_WSH), /^宁.+罚〔20\d\d〕\d+号$/);
  }
  assert.equal(kinds.size, 3);
});

test('every defect kind appears and is caught; duplicates repeat an earlier record key', () => {
  const rows = [...generatePenaltyRows(3000, 9, { invalidRate: 0.3, duplicateRate: 0.05 })];
  const seen = new Set(rows.map((r) => r.defect).filter(Boolean));
  assert.deepEqual([...seen].sort(), [...PENALTY_DEFECTS].sort());
  for (const r of rows) {
    const res = validateRow(SGS_CF_V2, mapping, r.cells, ctx);
    assert.equal(res.ok, r.defect === null, `${r.defect}: ${JSON.stringify(res.errors)}`);
  }
  const dups = rows.filter((r) => r.duplicateOf !== null);
  assert.ok(dups.length > 100);
  for (const d of dups) assert.deepEqual(d.cells, rows[d.duplicateOf!].cells);
});

test('GB18030 CSV chunks read back into the same rows', async () => {
  const want = [...generatePenaltyRows(300, 3, { invalidRate: 0.1 })].map((r) => r.cells);
  const got: string[][] = [];
  for await (const ev of readRows(penaltyCsvChunks(300, 3, { encoding: 'gb18030', invalidRate: 0.1, rowsPerChunk: 17 }), { format: 'csv' })) {
    if (ev.kind === 'header') assert.deepEqual(ev.cells, PENALTY_HEADERS);
    if (ev.kind === 'header') assert.equal(ev.encoding, 'gb18030');
    if (ev.kind === 'row') got.push(ev.cells);
  }
  // Byte-exact round trip, control characters of the control_char defect included.
  assert.deepEqual(got, want);
});

test('the shared citizen-ID vectors are accepted as a natural person’s 证件号码', () => {
  const ids = readFileSync(fileURLToPath(new URL('../../../test/fixtures/ingest/reference/ric_valid.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const base = [...generatePenaltyRows(1, 1)][0].cells;
  const col = (name: string) => PENALTY_HEADERS.indexOf(name);
  for (const id of ids) {
    const cells = [...base];
    cells[col('行政相对人类别')] = '自然人';
    cells[col('行政相对人代码_1（统一社会信用代码）')] = '';
    cells[col('法定代表人')] = '';
    cells[col('法定代表人证件类型')] = '';
    cells[col('法定代表人证件号码')] = '';
    cells[col('证件类型')] = '身份证';
    cells[col('证件号码')] = id;
    const r = validateRow(SGS_CF_V2, mapping, cells, ctx);
    assert.deepEqual(r.errors, [], id);
    assert.equal(r.subject.idNumber, id);
  }
});
