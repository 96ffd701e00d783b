// Issue 18: the streaming sheet reader (xlsxsheet.ts sheetRows) does work linear in the sheet, also when one row
// spans many inflated chunks (one cell of 30 MB, or 16,000 cells): it resumes the search for the open row's end
// where the previous chunk's search stopped instead of scanning the row again from its start. Its scan-work counter
// (UTF-16 code units its searches examined) must stay within a constant times the sheet's length, and the rows it
// reads must be those the former reader (kept below as `formerRows`) read, wherever the chunks are cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import { sharedStrings, sheetRows, xmlText, type ScanWork, type SharedStrings, type SheetCellRow } from './xlsxsheet.ts';

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/**
 * The reader before issue 18's fix, verbatim in what it yields: the whole pending text is scanned with one regex per
 * chunk, so an open row is scanned again with every chunk (quadratic on a row that spans many chunks).
 */
async function formerRows(chunks: readonly Buffer[], shared: SharedStrings): Promise<SheetCellRow[]> {
  const R_ATTR = /(?:^|\s)r\s*=\s*"([^"]*)"/;
  const T_ATTR = /(?:^|\s)t\s*=\s*"([^"]*)"/;
  const columnOf = (ref: string) => {
    let n = 0;
    for (let i = 0; i < ref.length; i++) {
      const c = ref.charCodeAt(i);
      if (c < 65 || c > 90) break;
      n = n * 26 + (c - 64);
    }
    return n - 1;
  };
  const runsText = (xml: string, p: string) => {
    const body = xml.replace(new RegExp(`<${p}rPh\\b[\\s\\S]*?</${p}rPh>`, 'g'), '');
    let out = '';
    for (const m of body.matchAll(new RegExp(`<${p}t(?:\\s[^>]*)?>([\\s\\S]*?)</${p}t>`, 'g'))) out += m[1];
    return xmlText(out);
  };
  const parseRow = (rowNumber: number, xml: string, p: string, cellRe: RegExp, vRe: RegExp): SheetCellRow => {
    const cells: string[] = [];
    const row: SheetCellRow = { rowNumber, cells };
    let col = 0;
    cellRe.lastIndex = 0;
    for (let m = cellRe.exec(xml); m; m = cellRe.exec(xml)) {
      const ref = R_ATTR.exec(m[1])?.[1];
      if (ref) col = columnOf(ref);
      while (cells.length < col) cells.push('');
      const body = m[2] ?? '';
      const t = T_ATTR.exec(m[1])?.[1] ?? 'n';
      const formula = body.indexOf(`<${p}f`) >= 0;
      const v = vRe.exec(body)?.[1];
      let value = '';
      let numeric = false;
      if (t === 's') value = v === undefined ? '' : (shared.get(Number(v)) ?? '');
      else if (t === 'inlineStr') value = runsText(body, p);
      else if (t === 'str') value = v === undefined ? '' : xmlText(v);
      else if (t === 'd') {
        const d = new Date(xmlText(v ?? ''));
        value = Number.isNaN(d.getTime()) ? xmlText(v ?? '') : d.toISOString().slice(0, 10);
      } else if (t === 'b') value = v === undefined ? '' : v.trim() === '1' ? 'TRUE' : 'FALSE';
      else if (t === 'e') (row.errors ??= []).push({ column: col, value: v === undefined ? '#VALUE!' : xmlText(v) });
      else if (v !== undefined && v.trim() !== '') {
        const n = Number(v);
        value = Number.isFinite(n) ? String(n) : '';
        numeric = true;
      }
      cells[col] = value;
      if (numeric) (row.numericCols ??= []).push(col);
      if (formula) (row.formulaCols ??= []).push(col);
      col++;
    }
    return row;
  };
  const out: SheetCellRow[] = [];
  const decoder = new StringDecoder('utf8');
  let p: string | null = null;
  let rowRe: RegExp | null = null;
  let cellRe: RegExp | null = null;
  let vRe: RegExp | null = null;
  let text = '';
  let nextRow = 1;
  for (const chunk of chunks) {
    text += decoder.write(chunk);
    if (p === null) {
      const m = /<(\w+:)?sheetData\b/.exec(text);
      if (!m) continue;
      p = m[1] ?? '';
      rowRe = new RegExp(`<${p}row\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${p}row>)`, 'g');
      cellRe = new RegExp(`<${p}c\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${p}c>)`, 'g');
      vRe = new RegExp(`<${p}v(?:\\s[^>]*)?>([\\s\\S]*?)</${p}v>`);
    }
    rowRe!.lastIndex = 0;
    let consumed = 0;
    for (let m = rowRe!.exec(text); m; m = rowRe!.exec(text)) {
      consumed = rowRe!.lastIndex;
      const r = R_ATTR.exec(m[1])?.[1];
      const rowNumber = r ? Number(r) : nextRow;
      nextRow = rowNumber + 1;
      if (m[2] === undefined) continue;
      out.push(parseRow(rowNumber, m[2], p, cellRe!, vRe!));
    }
    text = text.slice(consumed);
  }
  return out;
}

async function* feed(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

/** What the reader under test yields for these chunks, and the work it counted. */
async function readChunks(chunks: readonly Buffer[], shared: SharedStrings): Promise<{ rows: SheetCellRow[]; work: ScanWork }> {
  const work: ScanWork = { units: 0 };
  const rows: SheetCellRow[] = [];
  for await (const r of sheetRows(feed(chunks), shared, work)) rows.push(r);
  return { rows, work };
}

/** The bytes cut at the given offsets. */
const cut = (bytes: Buffer, at: readonly number[]): Buffer[] => {
  const out: Buffer[] = [];
  let from = 0;
  for (const a of [...at, bytes.length]) {
    out.push(bytes.subarray(from, a));
    from = a;
  }
  return out;
};

/** The bytes in pieces of `size`. */
const pieces = (bytes: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

const sheet = (rows: string, p = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?><${p}worksheet xmlns${p ? `:${p.slice(0, -1)}` : ''}="${NS}"><${p}dimension ref="A1"/><${p}sheetData>${rows}</${p}sheetData><${p}rowBreaks count="0"/></${p}worksheet>`;

const SHARED = sharedStrings(
  Buffer.from(`<sst xmlns="${NS}">${Array.from({ length: 1300 }, (_, i) => `<si><t>共享${i}号</t></si>`).join('')}</sst>`, 'utf8'),
);

const wideRow = (n: number): string =>
  `<row r="2">${Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `<c t="s"><v>${i % 1300}</v></c>` : i % 3 === 1 ? `<c><v>${i}.5</v></c>` : `<c t="inlineStr"><is><t>格${i}&amp;</t></is></c>`)).join('')}</row>`;

// Each case names where a chunk boundary falls (the text before which it is cut); every other cut is tried as well.
const CASES: { name: string; xml: string; at: string; p?: string }[] = [
  { name: 'inside a cell tag', xml: sheet('<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="inlineStr"><is><t>乙</t></is></c></row>'), at: 't="inlineStr"' },
  { name: 'inside an entity &amp;', xml: sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>甲&amp;乙&lt;丙&#20013;</t></is></c></row>'), at: 'amp;乙' },
  { name: 'inside a UTF-8 character', xml: sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>某某市场监督管理局</t></is></c></row>'), at: '场' },
  { name: 'inside a shared-string index', xml: sheet('<row r="1"><c r="A1" t="s"><v>1234</v></c><c r="B1" t="s"><v>7</v></c></row>'), at: '34</v>' },
  { name: 'inside <row and </row>', xml: sheet('<row r="1" spans="1:2"><c r="A1"><v>1</v></c></row><row r="2"/><row><c><v>2</v></c></row>'), at: 'ow r="1"' },
  { name: 'inside <sheetData, with a namespace prefix', xml: sheet('<x:row r="5"><x:c r="C5" t="str"><x:f>A1</x:f><x:v>公式</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>', 'x:'), at: 'heetData' },
  { name: 'a row of 16,000 cells', xml: sheet(`<row r="1"><c t="inlineStr"><is><t>表头</t></is></c></row>${wideRow(16_000)}`), at: '<c><v>8002.5' },
];

for (const c of CASES) {
  test(`sheetRows reads what the former reader read, wherever the chunks are cut: ${c.name}`, async () => {
    const bytes = Buffer.from(c.xml, 'utf8');
    const whole = await formerRows([bytes], SHARED);
    assert.ok(whole.length > 0, 'the case has rows');
    // One byte into the named text: inside the tag, the entity, the character (UTF-8, 3 bytes), the index.
    const named = bytes.indexOf(Buffer.from(c.at, 'utf8')) + 1;
    assert.ok(named > 0, 'the named cut is in the sheet');
    const cuttings: Buffer[][] = [cut(bytes, [named]), cut(bytes, [named - 1, named, named + 1]), pieces(bytes, 4096)];
    // Small sheets: every single cut, and pieces of 1 and 7 bytes, as well.
    if (bytes.length < 2000) {
      for (let i = 1; i < bytes.length; i++) cuttings.push(cut(bytes, [i]));
      cuttings.push(pieces(bytes, 1), pieces(bytes, 7));
    }
    for (const chunks of cuttings) {
      const { rows } = await readChunks(chunks, SHARED);
      const label = `${c.name}: cut at ${chunks.map((x) => x.length).slice(0, 4).join(',')}…`;
      assert.deepEqual(rows, await formerRows(chunks, SHARED), label);
      assert.deepEqual(rows, whole, label);
    }
  });
}

test('a cut inside a UTF-8 character still yields the character (the decoder keeps the partial bytes)', async () => {
  const bytes = Buffer.from(sheet('<row r="1"><c t="inlineStr"><is><t>中</t></is></c></row>'), 'utf8');
  const at = bytes.indexOf(Buffer.from('中', 'utf8')) + 1;
  const { rows } = await readChunks(cut(bytes, [at, at + 1]), SHARED);
  assert.deepEqual(rows, [{ rowNumber: 1, cells: ['中'] }]);
});

// A row spanning k chunks: one cell holding the whole row's text, or many small cells. The chunks are 64 KiB here
// (the reader inflates in 1 MiB pieces; the work per chunk is the same either way, and 64 KiB keeps the test's memory
// small). Bound: every code unit is examined once by the search for the row's end and once when the finished row is
// parsed, plus the few units of a tag carried over from one chunk to the next: c = 3 leaves room for that, while a
// reader that scans the open row again with each chunk examines about k/2 times the row (8× at k = 16, 32× at 64).
const CHUNK = 64 * 1024;
const C = 3;

for (const shape of ['one cell', 'many cells'] as const) {
  test(`the scan work is linear in a row spanning k chunks (${shape}; k = 4, 16, 64)`, async () => {
    const ratios: number[] = [];
    for (const k of [4, 16, 64]) {
      const size = k * CHUNK;
      const body =
        shape === 'one cell'
          ? `<c r="A1" t="inlineStr"><is><t>${'违法事实&amp;处罚依据'.repeat(Math.ceil(size / 26)).slice(0, size)}</t></is></c>`
          : Array.from({ length: Math.ceil(size / 40) }, (_, i) => `<c t="inlineStr"><is><t>单元格${i % 1000}</t></is></c>`).join('');
      const xml = sheet(`<row r="1"><c t="inlineStr"><is><t>表头</t></is></c></row><row r="2">${body}</row><row r="3"><c><v>1</v></c></row>`);
      const bytes = Buffer.from(xml, 'utf8');
      const chunks = pieces(bytes, CHUNK);
      assert.ok(chunks.length >= k, `the row spans at least ${k} chunks`);
      const { rows, work } = await readChunks(chunks, SHARED);
      assert.deepEqual(rows.map((r) => r.rowNumber), [1, 2, 3]);
      assert.equal(rows[2].cells[0], '1');
      const ratio = work.units / xml.length;
      ratios.push(ratio);
      assert.ok(ratio <= C, `k = ${k}: ${work.units} units examined for a sheet of ${xml.length} (${ratio.toFixed(2)} per unit, at most ${C})`);
    }
    // Linear: the work per unit of sheet does not grow with the number of chunks the row spans.
    assert.ok(ratios[2] <= ratios[0] + 0.1, `work per unit at k = 4, 16, 64: ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
  });
}
