// The streaming .xlsx writer (platform/xlsxwriter.ts): each sheet's XML is byte for byte what ExcelJS's stream
// writer (no styles, no shared strings) wrote for the same rows, so a file it replaces says exactly the same; the
// package opens in ExcelJS and in JSZip (which checks every part's CRC-32), with the sheets in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { columnName, XlsxWriter, type XlsxCell } from './xlsxwriter.ts';

// Text XML must escape, characters XML cannot hold, CJK and emoji, empty strings, line breaks, numbers (0,
// negatives, fractions), cells left out (null) at the start, middle and end, a row with no cells, and columns past Z.
const ROWS: XlsxCell[][] = [
  ['行号', '输入：统一社会信用代码', '名称', '说明'],
  [2, '91350100M000100Y43', '福州某某建材有限公司', '在列名单 1 条'],
  [3, '', '', ''],
  [4, `a&b<c>"d"'e'`, 'tab\tnew\nline\rcr', 'ctl\u0000\u0001\u0008\u000b\u000c\u000e\u001f\u007fend'],
  [null, 'x', null, 'y', null],
  [],
  [0, -12, 3.25, 1e21, '😀 𠀀 繁體'],
  Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? null : `c${i}`)),
  ["'=HYPERLINK(\"http://x\")", '+1', '@a', '-2'],
];

async function excelJsBook(sheets: Array<[string, XlsxCell[][]]>): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  for (const [name, rows] of sheets) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
  return Buffer.concat(parts);
}

async function ownBook(sheets: Array<[string, XlsxCell[][]]>, flushEvery = 2): Promise<Buffer> {
  const w = new XlsxWriter();
  for (const [name, rows] of sheets) {
    const s = w.addSheet(name);
    for (const [i, r] of rows.entries()) {
      s.addRow(r);
      if (i % flushEvery === 0) await s.flush();
    }
  }
  return w.finish();
}

const sheetXml = async (xlsx: Buffer, i: number) => (await JSZip.loadAsync(xlsx, { checkCRC32: true })).file(`xl/worksheets/sheet${i}.xml`)!.async('string');

test('each sheet is byte for byte what ExcelJS stream writer wrote for the same rows', async () => {
  const sheets: Array<[string, XlsxCell[][]]> = [
    ['比对结果', ROWS],
    ['汇总', [['核查编号', 'HC2026120700000001'], ['总行数', 6]]],
  ];
  const [theirs, ours] = [await excelJsBook(sheets), await ownBook(sheets)];
  for (const i of [1, 2]) assert.equal(await sheetXml(ours, i), await sheetXml(theirs, i), `sheet ${i}`);
});

test('the package opens in ExcelJS with the sheet names in order and every value as ExcelJS\'s own file reads', async () => {
  const sheets: Array<[string, XlsxCell[][]]> = [
    ['结果 & <名单>', ROWS],
    ['汇总', [['a', 1]]],
  ];
  const read = async (xlsx: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
    return wb.worksheets.map((w) => ({ name: w.name, rows: w.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1) : r)) }));
  };
  const ours = await read(await ownBook(sheets));
  assert.deepEqual(ours, await read(await excelJsBook(sheets)));
  assert.deepEqual(
    ours.map((s) => s.name),
    ['结果 & <名单>', '汇总'],
  );
  const at = (r: number, c: number) => (ours[0]!.rows[r] as unknown[])[c];
  assert.equal(at(4, 1), `a&b<c>"d"'e'`);
  assert.equal(at(4, 3), 'ctlend', 'characters XML cannot hold are dropped, as ExcelJS drops them');
  assert.equal(at(2, 0), 2);
  assert.equal(at(7, 2), 3.25);
  assert.equal(at(7, 4), '😀 𠀀 繁體');
  assert.equal(at(8, 29), 'c29');
});

test('a sheet of many rows is whole and in order: flushed in batches, or only at the end, and with a row larger than a block', async () => {
  const rows: XlsxCell[][] = Array.from({ length: 30_000 }, (_, i) => [i + 1, `第${i + 1}行：${'某'.repeat(i % 50)}`]);
  rows[12_345] = [12_346, '长'.repeat(400_000), 'a&b'];
  const theirs = await sheetXml(await excelJsBook([['x', rows]]), 1);
  for (const flushEvery of [5_000, 1_000_000]) assert.equal(await sheetXml(await ownBook([['x', rows]], flushEvery), 1), theirs, `flushed every ${flushEvery} rows`);
});

test('more than zlib may fall behind by (16 MiB) written at once: still whole and in order', async () => {
  const rows: XlsxCell[][] = Array.from({ length: 48 }, (_, i) => [i + 1, String.fromCharCode(0x4e00 + i).repeat(150_000)]);
  assert.equal(await sheetXml(await ownBook([['x', rows]], 1_000), 1), await sheetXml(await excelJsBook([['x', rows]]), 1));
});

test('columnName: A, Z, AA, AZ, BA, ZZ, AAA', () => {
  assert.deepEqual(
    [1, 26, 27, 52, 53, 702, 703].map(columnName),
    ['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA'],
  );
});
