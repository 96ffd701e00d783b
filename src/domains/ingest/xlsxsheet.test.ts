// The fast .xlsx sheet reader against exceljs (which it replaced on the upload path) and against
// hand-written OOXML that exceljs does not write: phonetic runs, inline strings, _xHHHH_ escapes,
// namespace prefixes, cells without references, and workbooks laid out unusually (→ exceljs fallback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { readRows, type SheetEvent } from './rows.ts';
import { cellAttr, openWorkbook, sharedStrings, xmlText, type SheetCellRow } from './xlsxsheet.ts';
import { mulberry32 } from './fixtures.ts';
import { readZipDirectory } from './zipguard.ts';
import { buildZip } from '../../../test/fixtures/ingest/zip.ts';

/** A zip of the given parts (deflated), enough for an .xlsx. */
const zipOf = (parts: Record<string, string>): Buffer =>
  buildZip(Object.entries(parts).map(([name, text]) => ({ name, data: Buffer.from(text, 'utf8') })));

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function workbookParts(sheetXml: string, sharedXml?: string, p = ''): Record<string, string> {
  const decl = p ? `xmlns:${p.slice(0, -1)}="${NS}"` : `xmlns="${NS}"`;
  return {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': `<?xml version="1.0"?><${p}workbook ${decl} xmlns:r="${REL}"><${p}sheets><${p}sheet name="说明&amp;数据" sheetId="2" r:id="rId7"/><${p}sheet name="其他" sheetId="1" r:id="rId1"/></${p}sheets></${p}workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="${REL}/worksheet" Target="/xl/worksheets/data.xml"/>${sharedXml ? `<Relationship Id="rId9" Type="${REL}/sharedStrings" Target="strings.xml"/>` : ''}</Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>不应读取</t></is></c></row></sheetData></worksheet>`,
    'xl/worksheets/data.xml': sheetXml,
    ...(sharedXml ? { 'xl/strings.xml': sharedXml } : {}),
  };
}

async function events(buf: Buffer): Promise<SheetEvent[]> {
  const out: SheetEvent[] = [];
  for await (const e of readRows(buf, { format: 'xlsx' })) out.push(e);
  return out;
}

test('xmlText decodes entities, character references and _xHHHH_ escapes', () => {
  assert.equal(xmlText('a&amp;b&lt;c&gt;&quot;&apos;&#20013;&#x56FD;'), 'a&b<c>"\'中国');
  assert.equal(xmlText('行1_x000D__x000A_行2'), '行1\r\n行2');
  assert.equal(xmlText('plain'), 'plain');
});

test('cellAttr finds a cell\'s r and t attributes exactly as the regular expressions it replaces', () => {
  const rng = mulberry32(18);
  const PIECES = [' ', '\t', '\n', '\u00a0', '\u3000', 'r', 't', 's', '=', '"', '"', 'A1', '3', 'inlineStr', 'x:r', 'tr', 'rt', '\'', '/'];
  const fixed = ['r="A1" s="2" t="s"', ' t="s" r="B7"', 'r = "C3"', 'xr="Z9" r="D4"', 'tr="1" t="n"', 't=\'s\' t="str"', 'r="', 'r="E5', '', 'r="" t=""'];
  // Every character \s matches (and a few it does not) around the name and the equals sign.
  const SPACES = [...'\t\n\v\f\r \u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff', '\u200b', '\u0085', '_'];
  const texts = [...fixed, ...SPACES.flatMap((w) => [`x${w}r${w}=${w}"V${w}"`, `s="1"${w}t="s"`, `${w}r="A1"`])];
  for (let k = 0; k < 20_000; k++) {
    let a = '';
    const n = 1 + Math.floor(rng() * 12);
    for (let i = 0; i < n; i++) a += PIECES[Math.floor(rng() * PIECES.length)];
    texts.push(a);
  }
  for (const [name, code] of [['r', 0x72], ['t', 0x74]] as const) {
    const re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*"([^"]*)"`);
    for (const a of texts) assert.equal(cellAttr(a, code), re.exec(a)?.[1], `${name} in ${JSON.stringify(a)}`);
  }
});

test('a 行政处罚 workbook written by exceljs reads the same as exceljs reads it', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('行政处罚');
  ws.addRow([...PENALTY_HEADERS]);
  const rows = [...generatePenaltyRows(300, 4242, { invalidRate: 0.1, duplicateRate: 0.05 })].map((r) => r.cells);
  for (const r of rows) ws.addRow(r.map((v, i) => (i % 7 === 3 && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
  ws.addRow(['公式', { formula: 'A2&"x"', result: '甲x' }, { formula: '1+1', result: 2 }, { error: '#N/A' }, true, new Date(Date.UTC(2024, 0, 5))]);
  const buf = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);

  const fast = openWorkbook(buf, readZipDirectory(buf));
  assert.ok(fast, 'an exceljs workbook is read by the fast reader');
  assert.equal(fast.sheetName, '行政处罚');
  const got: SheetCellRow[] = [];
  for await (const r of fast.rows()) got.push(r);

  const reference = new ExcelJS.Workbook();
  await reference.xlsx.load(buf as unknown as ArrayBuffer);
  const refSheet = reference.worksheets[0];
  assert.equal(got.length, refSheet.rowCount);
  refSheet.eachRow((row, n) => {
    const mine = got[n - 1];
    assert.equal(mine.rowNumber, n);
    const values = (row.values as unknown[]).slice(1);
    values.forEach((v, i) => {
      if (v === null || v === undefined) return assert.equal(mine.cells[i] ?? '', '', `row ${n} col ${i}`);
      if (typeof v === 'number') return assert.equal(mine.cells[i], String(v), `row ${n} col ${i}`);
      if (typeof v === 'string') return assert.equal(mine.cells[i], v, `row ${n} col ${i}`);
      if (typeof v === 'boolean') return assert.equal(mine.cells[i], v ? 'TRUE' : 'FALSE');
      if (v instanceof Date) return assert.equal(mine.cells[i], String((v.getTime() / 86400000) + 25569));
      const o = v as { formula?: string; result?: unknown; error?: string };
      if (o.error) return assert.deepEqual(mine.errors, [{ column: i, value: o.error }]);
      if (o.formula) {
        assert.equal(mine.cells[i], String(o.result));
        assert.ok(mine.formulaCols?.includes(i));
      }
    });
  });
  const last = got.at(-1)!;
  assert.deepEqual(last.numericCols, [2, 5]);
  assert.deepEqual(last.formulaCols, [1, 2]);
});

test('hand-written OOXML: first sheet in workbook order, shared strings by relationship, phonetic runs left out, inline strings, escapes', async () => {
  const shared = `<sst xmlns="${NS}" count="4"><si><t>名称</t></si><si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si><si/><si><t>A&amp;B_x000D_</t></si></sst>`;
  const sheet =
    `<worksheet xmlns="${NS}"><dimension ref="A1:D4"/><sheetData>` +
    `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="s"><v>3</v></c></row>` +
    `<row r="2"/>` +
    `<row r="3" spans="1:4"><c r="A3" t="inlineStr"><is><t>&lt;b&gt;甲&lt;/b&gt;</t></is></c><c r="C3"><v>1.5E3</v></c><c r="D3" t="b"><v>0</v></c></row>` +
    `<row><c t="s"><v>3</v></c><c><v>7</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1&amp;"x"</f><v>名称x</v></c></row>` +
    `</sheetData></worksheet>`;
  const buf = zipOf(workbookParts(sheet, shared));
  const evs = await events(buf);
  const header = evs[0];
  assert.equal(header.kind, 'header');
  assert.equal(header.kind === 'header' && header.sheetName, '说明&数据');
  assert.deepEqual(header.kind === 'header' && header.cells, ['名称', '富文本', '', 'A&B']); // header cells are trimmed
  const rows = evs.filter((e) => e.kind === 'row');
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].kind === 'row' && [rows[0].rowNumber, rows[0].cells, rows[0].numericCols], [3, ['<b>甲</b>', '', '1500', 'FALSE'], [2]]);
  const r4 = rows[1].kind === 'row' ? rows[1] : assert.fail();
  assert.equal(r4.rowNumber, 4);
  assert.deepEqual(r4.cells, ['A&B\r', '7', '', '名称x']);
  assert.deepEqual(r4.formulaCols, [3]);
  assert.equal(r4.issues?.[0].code, 'cell_error_value');
  assert.match(r4.issues?.[0].message ?? '', /第 3 列为错误值 #DIV\/0!/);
});

test('a namespace prefix (x:) as some generators write it', async () => {
  const sheet = `<x:worksheet xmlns:x="${NS}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>表头</x:t></x:is></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row><x:row r="2"><x:c r="B2"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>`;
  const evs = await events(zipOf(workbookParts(sheet, undefined, 'x:')));
  assert.deepEqual(evs[0].kind === 'header' && evs[0].cells, ['表头', '2']);
  assert.deepEqual(evs[1].kind === 'row' && evs[1].cells, ['', '3']);
});

test('a workbook without the parts OOXML requires is left to exceljs, and the upload is refused with a reason', async () => {
  const buf = zipOf({ 'xl/worksheets/sheet1.xml': '<worksheet/>' });
  assert.equal(openWorkbook(buf, readZipDirectory(buf)), null);
  await assert.rejects(events(buf), (e: { code?: string; message?: string }) => e.code === 'empty_file' && /没有找到表头行/.test(e.message ?? ''));
});

/** The shared-string table as it was read before issue 18's memory work: one regex over the whole part as a string. */
function sharedByRegex(xml: string): string[] {
  const p = /<(\w+:)?sst\b/.exec(xml)?.[1] ?? '';
  const re = new RegExp(`<${p}si>([\\s\\S]*?)</${p}si>|<${p}si\\s*/>`, 'g');
  const runs = (body: string) => {
    const noRph = body.replace(new RegExp(`<${p}rPh\\b[\\s\\S]*?</${p}rPh>`, 'g'), '');
    let out = '';
    for (const m of noRph.matchAll(new RegExp(`<${p}t(?:\\s[^>]*)?>([\\s\\S]*?)</${p}t>`, 'g'))) out += m[1];
    return xmlText(out);
  };
  const out: string[] = [];
  for (const m of xml.matchAll(re)) out.push(m[1] === undefined ? '' : runs(m[1]));
  return out;
}

test('issue 18: the shared-string table kept as bytes with offsets yields what the former regex over the part yielded', () => {
  const sst = (p: string, items: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<${p}sst xmlns${p ? `:${p.slice(0, -1)}` : ''}="${NS}" count="9">${items}</${p}sst>`;
  const cases: { name: string; xml: string }[] = [
    { name: 'plain text, Chinese and ASCII', xml: sst('', '<si><t>某某市场监督管理局</t></si><si><t>ABC 123</t></si><si><t>x</t></si>') },
    { name: 'xml:space and other attributes', xml: sst('', '<si><t xml:space="preserve">  前后空格  </t></si><si><t\tfoo="1">制表符</t></si>') },
    { name: 'empty strings', xml: sst('', '<si/><si />\n<si><t></t></si><si><t/></si><si></si>') },
    { name: 'entities and _xHHHH_ escapes', xml: sst('', '<si><t>a&amp;b&lt;c&#20013;</t></si><si><t>行1_x000D__x000A_行2</t></si><si><t>下划线_普通</t></si>') },
    { name: 'rich text runs and phonetic runs', xml: sst('', '<si><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r></si><si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></si>') },
    { name: 'whitespace around the run', xml: sst('', '<si>\n  <t>缩进</t>\n</si><si><t>尾</t> </si>') },
    { name: 'a namespace prefix', xml: sst('x:', '<x:si><x:t>前缀</x:t></x:si><x:si/><x:si><x:r><x:t>多</x:t></x:r><x:r><x:t>段</x:t></x:r></x:si>') },
    { name: 'look-alike elements are not strings', xml: sst('', '<sib>no</sib><si><t>yes</t></si><si><tx>no</tx></si><si><text>t</text></si>') },
    { name: 'an unterminated last string', xml: sst('', '<si><t>完整</t></si><si><t>未结束') },
  ];
  for (const c of cases) {
    const want = sharedByRegex(c.xml);
    const got = sharedStrings(Buffer.from(c.xml, 'utf8'));
    assert.equal(got.count, want.length, c.name);
    assert.deepEqual(Array.from({ length: got.count }, (_, i) => got.get(i)), want, c.name);
    assert.equal(got.get(want.length), undefined, `${c.name}: past the end`);
    assert.equal(got.get(-1), undefined, `${c.name}: negative`);
    assert.equal(got.get(0.5), undefined, `${c.name}: not an index`);
  }
});
