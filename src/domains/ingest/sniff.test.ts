import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as XLSX from '@e965/xlsx';
import { assertFormat, detectKind, extensionOf, sniffFormat } from './sniff.ts';
import { encodeGb18030 } from './gb18030.ts';
import { buildTemplateXlsx } from '../catalog/templates.ts';
import { SGS_XK_V2 } from '../catalog/builtin/index.ts';
import { buildZip } from '../../../test/fixtures/ingest/zip.ts';

const xlsx = await buildTemplateXlsx(SGS_XK_V2);
const xls = Buffer.from(
  XLSX.write(XLSX.utils.book_new(XLSX.utils.aoa_to_sheet([['a', 'b']]), 'S'), { type: 'buffer', bookType: 'biff8' }) as Buffer,
);
const csv = encodeGb18030('行政相对人名称,行政相对人类别\r\n西宁甲公司,法人及非法人组织\r\n');
const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const docx = buildZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w/>') }]);

test('real spreadsheets are recognised', () => {
  assert.deepEqual(sniffFormat(xlsx, '许可.xlsx'), { ok: true, format: 'xlsx', detected: 'xlsx' });
  assert.deepEqual(sniffFormat(xls, '处罚.XLS'), { ok: true, format: 'xls', detected: 'xls' });
  assert.deepEqual(sniffFormat(csv, '处罚.csv'), { ok: true, format: 'csv', detected: 'text' });
  assert.deepEqual(sniffFormat(csv, 'export.txt'), { ok: true, format: 'csv', detected: 'text' });
  // No known extension: judged by content alone.
  assert.deepEqual(sniffFormat(xlsx, 'upload'), { ok: true, format: 'xlsx', detected: 'xlsx' });
});

test('a spreadsheet under the wrong extension → file_type_mismatch', () => {
  const a = sniffFormat(xlsx, 'data.csv');
  assert.equal(a.ok, false);
  assert.equal(!a.ok && a.code, 'file_type_mismatch');
  assert.match(!a.ok ? a.message : '', /扩展名为 \.csv，但内容是Excel 工作簿/);
  const b = sniffFormat(csv, 'data.xlsx');
  assert.equal(!b.ok && b.code, 'file_type_mismatch');
  const c = sniffFormat(xls, 'data.xlsx');
  assert.equal(!c.ok && c.code, 'file_type_mismatch');
});

test('files that are not spreadsheets → not_a_spreadsheet', () => {
  for (const [bytes, name, detected] of [
    [pdf, 'report.xlsx', 'pdf'],
    [png, 'scan.xls', 'image'],
    [docx, '处罚.xlsx', 'docx'],
    [Buffer.from([0x41, 0x00, 0x42, 0x00, 0x01, 0x02]), 'x.csv', 'binary'],
    [Buffer.from('<html><body><table><tr><td>1</td></tr></table></body></html>'), 'export.xls', 'html'],
    [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 'data.csv', 'archive'],
  ] as const) {
    const r = sniffFormat(bytes, name);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.code, 'not_a_spreadsheet', name);
    assert.equal(r.detected, detected, name);
  }
});

test('empty files and helpers', () => {
  const r = sniffFormat(Buffer.alloc(0), 'a.csv');
  assert.equal(!r.ok && r.code, 'empty_file');
  assert.equal(extensionOf('C:\\上传\\处罚.2026.XLSX'), 'xlsx');
  assert.equal(extensionOf('.hidden'), '');
  assert.equal(detectKind(Buffer.from('\ufeff名称,代码\n')), 'text');
  assert.throws(() => assertFormat(pdf, 'x.xlsx'), (e: Error & { code?: string }) => e.code === 'not_a_spreadsheet');
});
