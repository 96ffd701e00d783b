import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { buildTemplateCsv, buildTemplateXlsx } from './templates.ts';
import { compileItem } from './catalog.model.ts';
import { BUILTIN_ITEMS, SGS_CF_V2, SGS_XK_V2 } from './builtin/index.ts';
import { matchHeaders, readRows } from '../ingest/index.ts';

test('XLSX template: exact headers, frozen header row, text code columns, 填报说明', async () => {
  const buf = await buildTemplateXlsx(SGS_CF_V2);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['行政处罚', '填报说明'],
  );
  const ws = wb.worksheets[0];
  const fields = compileItem(SGS_CF_V2).templateFields;
  assert.deepEqual(
    (ws.getRow(1).values as unknown[]).slice(1),
    fields.map((f) => f.name),
  );
  assert.equal(ws.views[0].state, 'frozen');
  assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
  fields.forEach((f, i) => {
    if (f.codeKind || f.type === 'date') assert.equal(ws.getColumn(i + 1).numFmt, '@', `${f.code} must be text`);
  });
  const amountCol = fields.findIndex((f) => f.code === 'CF_NR_FK') + 1;
  assert.notEqual(ws.getColumn(amountCol).numFmt, '@');
  assert.match(String(ws.getCell(1, 1).note), /CF_XDR_MC/);

  const guide = wb.getWorksheet('填报说明')!;
  const text = guide.getSheetValues().flat().filter((v) => typeof v === 'string').join('\n');
  for (const f of fields) assert.ok(text.includes(f.name), f.name);
  assert.ok(text.includes('03=罚款'));
  assert.ok(text.includes('行政相对人类别为“法人及非法人组织”时必填'));
  assert.ok(text.includes('万元'));
});

test('every built-in template is read back by the ingest reader and matches 100%', async () => {
  for (const item of BUILTIN_ITEMS) {
    const buf = await buildTemplateXlsx(item);
    const events = [];
    for await (const ev of readRows(buf, { format: 'xlsx' })) events.push(ev);
    const header = events[0];
    assert.equal(header.kind, 'header');
    if (header.kind !== 'header') continue;
    const m = matchHeaders(item, header.cells);
    assert.equal(m.ok, true, `${item.id}: ${JSON.stringify(m.errors)}`);
    assert.equal(m.matchRatio, 1);
    assert.deepEqual(m.warnings, []);
    assert.deepEqual(events.at(-1), { kind: 'end', rows: 0, emptyRowsSkipped: 0, encoding: null });
  }
});

test('CSV template: UTF-8 BOM, exact headers, CRLF', async () => {
  const buf = buildTemplateCsv(SGS_XK_V2);
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = buf.subarray(3).toString('utf8');
  assert.ok(text.endsWith('\r\n'));
  assert.deepEqual(
    text.trimEnd().split(','),
    compileItem(SGS_XK_V2).templateFields.map((f) => f.name),
  );
  const events = [];
  for await (const ev of readRows(buf, { format: 'csv' })) events.push(ev);
  assert.equal(events[0].kind === 'header' && events[0].encoding, 'utf-8');
  assert.equal(events[0].kind === 'header' && matchHeaders(SGS_XK_V2, events[0].cells).ok, true);
});
