// The CSV record parser against csv-parse 7 with the options the upload reader used before it:
// same records, cells, raw text (where it has quotes), line numbers and unclosed-quote report,
// however the text is cut into chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse';
import fc from 'fast-check';
import { CsvRecordParser } from './rows.csv.ts';

type Out = { cells: string[]; raw: string | null; line: number } | { unclosedQuoteLine: number; after: number };

async function viaCsvParse(delimiter: string, chunks: string[]): Promise<Out[]> {
  const out: Out[] = [];
  let lastLine = 0;
  let skipped: Out | null = null;
  const p = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    skip_empty_lines: false,
    raw: true,
    bom: false,
    on_record: ((r: { record: string[]; raw: string }, ctx: { lines: number }) => {
      lastLine = ctx.lines;
      return { cells: r.record, raw: r.raw.includes('"') ? r.raw : null, line: ctx.lines };
    }) as never,
  });
  p.on('skip', (e: { code: string; lines: number }) => {
    assert.equal(e.code, 'CSV_QUOTE_NOT_CLOSED');
    skipped = { unclosedQuoteLine: e.lines, after: lastLine };
  });
  const done = (async () => {
    for await (const r of p) out.push(r as Out);
  })();
  for (const c of chunks) p.write(c);
  p.end();
  await done;
  if (skipped) out.push(skipped);
  return out;
}

function viaParser(delimiter: string, chunks: string[]): Out[] {
  const p = new CsvRecordParser(delimiter.charCodeAt(0));
  const out: Out[] = [];
  const records: { cells: string[]; raw: string | null; line: number }[] = [];
  for (const c of chunks) p.write(c, records);
  const unclosed = p.end(records);
  for (const r of records) out.push({ cells: r.cells, raw: r.raw, line: r.line });
  if (unclosed) out.push({ unclosedQuoteLine: unclosed.unclosedQuoteLine, after: records.length ? records[records.length - 1].line : 0 });
  return out;
}

/** Cuts text into pieces of the given sizes, never inside a surrogate pair (a decoder never does). */
function cut(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + sizes[k++ % sizes.length]);
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

test('CsvRecordParser reports what csv-parse reports, for any text and any chunking', async () => {
  const ch = fc.constantFrom('a', '中', ',', ';', '\t', '"', '"', '\r', '\n', '\r\n', '\0', ' ', '，', '\u3000', '𠮷');
  await fc.assert(
    fc.asyncProperty(
      fc.array(ch, { maxLength: 80 }).map((a) => a.join('')),
      fc.constantFrom(',', '\t', ';'),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
      async (text, delimiter, sizes) => {
        const chunks = cut(text, sizes);
        assert.deepEqual(viaParser(delimiter, chunks), await viaCsvParse(delimiter, chunks));
      },
    ),
    { numRuns: 3000 },
  );
});

test('CsvRecordParser: quoting rules and line numbers on examples', () => {
  const recs = (text: string) => viaParser(',', [text]);
  assert.deepEqual(recs('a,"b,c"\r\n"x""y",z'), [
    { cells: ['a', 'b,c'], raw: 'a,"b,c"\r', line: 1 },
    { cells: ['x"y', 'z'], raw: '"x""y",z', line: 2 },
  ]);
  // A quote inside an unquoted field is text; a quoted field followed by text keeps both quotes.
  assert.deepEqual(recs('ab"c,"d"e\n'), [{ cells: ['ab"c', '"d"e'], raw: 'ab"c,"d"e\n', line: 1 }]);
  // Line breaks inside quotes count as lines (CRLF twice), the CRLF that ends a record once.
  assert.deepEqual(recs('"a\r\nb",c\r\nd\n'), [
    { cells: ['a\r\nb', 'c'], raw: '"a\r\nb",c\r', line: 3 },
    { cells: ['d'], raw: null, line: 4 },
  ]);
  // An unclosed quote swallows the rest of the file.
  assert.deepEqual(recs('a\n"b\nc\n'), [{ cells: ['a'], raw: null, line: 1 }, { unclosedQuoteLine: 3, after: 1 }]);
  // Empty lines are records with one empty cell; a final line break adds none.
  assert.deepEqual(recs('\n\nx'), [
    { cells: [''], raw: null, line: 1 },
    { cells: [''], raw: null, line: 2 },
    { cells: ['x'], raw: null, line: 3 },
  ]);
});
