import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import * as XLSX from '@e965/xlsx';
import { rawRecordQuotesOk, readRows, type ReadOptions, type SheetEvent, type SheetRow } from './rows.ts';
import { encodeGb18030 } from './gb18030.ts';
import { isIngestError } from './errors.ts';

async function read(input: Parameters<typeof readRows>[0], opts: ReadOptions): Promise<SheetEvent[]> {
  const out: SheetEvent[] = [];
  for await (const ev of readRows(input, opts)) out.push(ev);
  return out;
}
const rowsOf = (evs: SheetEvent[]) => evs.filter((e): e is SheetRow => e.kind === 'row');

async function fileError(input: Parameters<typeof readRows>[0], opts: ReadOptions): Promise<string> {
  try {
    await read(input, opts);
  } catch (err) {
    assert.ok(isIngestError(err), String(err));
    return err.code;
  }
  assert.fail('expected an IngestError');
}

const csv = { format: 'csv' } as const;
/** An 18-digit code typed into a numeric cell: as a float it is already 916301001234568000. */
const FLOAT_CODE = Number('916301001234567890');

test('empty file and blank-only file → empty_file', async () => {
  assert.equal(await fileError(Buffer.alloc(0), csv), 'empty_file');
  assert.equal(await fileError(Buffer.from('\r\n\r\n , \r\n'), csv), 'empty_file');
});

test('headers only → a header event and zero rows', async () => {
  const evs = await read(Buffer.from('\ufeff行政相对人名称,行政相对人类别\r\n'), csv);
  assert.equal(evs.length, 2);
  assert.deepEqual(evs[0], {
    kind: 'header',
    rowNumber: 1,
    cells: ['行政相对人名称', '行政相对人类别'],
    format: 'csv',
    encoding: 'utf-8',
    sheetName: undefined,
    skippedBefore: 0,
  });
  assert.deepEqual(evs[1], { kind: 'end', rows: 0, emptyRowsSkipped: 0, encoding: 'utf-8' });
});

test('bare quotes are row errors; the rows around them are intact', async () => {
  const text = 'a,b,c\n1,"ok ""quoted""",3\n2,西宁"某"公司,3\n3,"closed"tail,3\n4,plain,3\n';
  const rows = rowsOf(await read(Buffer.from(text), csv));
  assert.deepEqual(
    rows.map((r) => [r.rowNumber, r.cells[1], r.issues?.map((i) => i.code) ?? []]),
    [
      [2, 'ok "quoted"', []],
      [3, '西宁"某"公司', ['row_bad_quote']],
      [4, '"closed"tail', ['row_bad_quote']],
      [5, 'plain', []],
    ],
  );
});

test('an unclosed quote reports where it started; earlier rows survive', async () => {
  const rows = rowsOf(await read(Buffer.from('a,b\n1,ok\n2,"never closed\n3,x\n4,y\n'), csv));
  assert.equal(rows[0].cells[1], 'ok');
  const bad = rows.at(-1)!;
  assert.equal(bad.issues?.[0].code, 'row_bad_quote');
  assert.match(bad.issues![0].message, /第 3 行起的引号没有闭合/);
});

test('ragged rows are flagged; trailing empty cells are not', async () => {
  const rows = rowsOf(await read(Buffer.from('a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3\n'), csv));
  assert.deepEqual(
    rows.map((r) => r.issues?.map((i) => i.code) ?? []),
    [['row_ragged'], ['row_ragged'], [], []],
  );
  for (const r of rows) assert.equal(r.cells.length, 3);
});

test('title rows above the header are skipped; blank rows are counted, not emitted', async () => {
  const evs = await read(encodeGb18030('西宁市行政处罚信息表\r\n\r\n名称,代码\r\n甲,1\r\n\r\n乙,2\r\n'), csv);
  assert.equal(evs[0].kind === 'header' && evs[0].skippedBefore, 1);
  assert.equal(evs[0].kind === 'header' && evs[0].rowNumber, 3);
  assert.deepEqual(
    rowsOf(evs).map((r) => [r.rowNumber, r.cells[0]]),
    [
      [4, '甲'],
      [6, '乙'],
    ],
  );
  assert.deepEqual(evs.at(-1), { kind: 'end', rows: 2, emptyRowsSkipped: 1, encoding: 'gb18030' });
});

test('quoted line breaks, CRLF/LF mixes, tabs, streams', async () => {
  const rows = rowsOf(await read(Buffer.from('a,b\r\n"第一行\n第二行",2\n3,4\r\n'), csv));
  assert.deepEqual(
    rows.map((r) => r.cells),
    [
      ['第一行\n第二行', '2'],
      ['3', '4'],
    ],
  );
  const tsv = rowsOf(await read(Buffer.from('名称\t代码\n甲\t1\n'), csv));
  assert.deepEqual(tsv[0].cells, ['甲', '1']);
  const stream = Readable.from([Buffer.from('名称,代'), Buffer.from('码\n甲,1\n')]);
  assert.deepEqual(rowsOf(await read(stream, csv))[0].cells, ['甲', '1']);
});

test('HTML, script and formula-looking text are kept verbatim', async () => {
  const rows = rowsOf(await read(Buffer.from('a,b\n<script>alert(1)</script>,"=HYPERLINK(""http://x"")"\n'), csv));
  assert.deepEqual(rows[0].cells, ['<script>alert(1)</script>', '=HYPERLINK("http://x")']);
  assert.equal(rows[0].issues, undefined);
});

test('limits: rows, columns, cell length', async () => {
  assert.equal(await fileError(Buffer.from('a,b\n1,2\n3,4\n5,6\n'), { format: 'csv', maxRows: 2 }), 'too_many_rows');
  assert.equal(await fileError(Buffer.from('a,b,c,d\n'), { format: 'csv', maxColumns: 3 }), 'too_many_columns');
  const rows = rowsOf(await read(Buffer.from('a,b\n' + 'x'.repeat(50) + ',2\n'), { format: 'csv', maxCellChars: 10 }));
  assert.equal(rows[0].issues?.[0].code, 'cell_too_long');
  assert.equal(rows[0].cells[0].length, 10);
});

test('rawRecordQuotesOk follows RFC 4180', () => {
  assert.equal(rawRecordQuotesOk('a,"b,c","d""e"\r\n', ','), true);
  assert.equal(rawRecordQuotesOk('"",x', ','), true);
  assert.equal(rawRecordQuotesOk('a,b"c', ','), false);
  assert.equal(rawRecordQuotesOk('a,"b"c', ','), false);
  assert.equal(rawRecordQuotesOk('a,"b', ','), false);
});

async function xlsxOf(rows: unknown[][], extraSheet = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  if (extraSheet) wb.addWorksheet('说明').addRow(['这不是数据', '不应读取']);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

test('XLSX: every cell as text; numeric and formula cells are marked', async () => {
  const buf = await xlsxOf(
    [
      ['名称', '代码', '日期', '公式', '备注'],
      ['甲', FLOAT_CODE, new Date(Date.UTC(2024, 0, 5)), { formula: 'A2&"x"', result: '甲x' }, '<b>粗体</b>'],
      ['乙', '916301001234567890', 45296, { formula: '1+1', result: 2 }, { richText: [{ text: '富' }, { text: '文本' }] }],
      [],
      ['丙', '9163', { error: '#N/A' }, '=1+1', null],
    ],
    true,
  );
  const evs = await read(buf, { format: 'xlsx' });
  assert.equal(evs[0].kind === 'header' && evs[0].sheetName, '数据');
  const rows = rowsOf(evs);
  assert.deepEqual(rows[0].cells, ['甲', '916301001234568000', '45296', '甲x', '<b>粗体</b>']);
  assert.deepEqual(rows[0].numericCols, [1, 2]);
  assert.deepEqual(rows[0].formulaCols, [3]);
  assert.deepEqual(rows[1].cells, ['乙', '916301001234567890', '45296', '2', '富文本']);
  assert.deepEqual(rows[1].numericCols, [2, 3]);
  assert.deepEqual(rows[2].cells, ['丙', '9163', '', '=1+1', '']);
  assert.equal(rows[2].rowNumber, 5);
  assert.equal(rows[2].issues?.[0].code, 'cell_error_value');
  assert.equal(rows[2].formulaCols, undefined); // a string that looks like a formula is text
  assert.deepEqual(evs.at(-1), { kind: 'end', rows: 3, emptyRowsSkipped: 0, encoding: null });
});

test('XLSX / XLS readers check the bytes match the claimed format', async () => {
  assert.equal(await fileError(Buffer.from('a,b\n1,2\n'), { format: 'xlsx' }), 'file_type_mismatch');
  assert.equal(await fileError(await xlsxOf([['a', 'b']]), { format: 'xls' }), 'file_type_mismatch');
  assert.equal(await fileError(Buffer.alloc(0), { format: 'xlsx' }), 'empty_file');
  assert.equal(await fileError(await xlsxOf([['a', 'b']]), { format: 'xlsx', maxFileBytes: 100 }), 'file_too_large');
});

// SheetJS's community build writes no BIFF8 formulas, so formula marking in .xls (cell.f) is not
// covered by a generated fixture here; the cached value is what the reader uses either way.
test('legacy XLS: numeric cells are marked like XLSX', async () => {
  const ws = XLSX.utils.aoa_to_sheet([
    ['名称', '代码', '金额'],
    ['甲', FLOAT_CODE, 0.2],
    ['乙', '91630100MA7XXXXX1', 1],
  ]);
  ws['C3'] = { t: 'n', v: 3, f: '1+2' };
  const wb = XLSX.utils.book_new(ws, '处罚');
  const buf = Buffer.from(XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer);
  const evs = await read(buf, { format: 'xls' });
  assert.equal(evs[0].kind === 'header' && evs[0].sheetName, '处罚');
  const rows = rowsOf(evs);
  assert.deepEqual(rows[0].cells, ['甲', '916301001234568000', '0.2']);
  assert.deepEqual(rows[0].numericCols, [1, 2]);
  assert.deepEqual(rows[1].cells, ['乙', '91630100MA7XXXXX1', '3']);
});
