// XLSX reader of rows.ts: the whole upload is buffered within its limit, checked against zip bombs
// (zipguard.ts), then read by xlsxsheet.ts, a scanner over the first worksheet; exceljs remains
// the fallback for workbooks whose parts that scanner cannot read.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { IngestError } from './errors.ts';
import { collect, MiB, type ByteInput, type RawRow, type RawSource, type ReadOptions, type RowIssue } from './rows.input.ts';
import { detectKind } from './sniff.ts';
import { openWorkbook, type OpenWorkbook } from './xlsxsheet.ts';
import { assertSafeZip } from './zipguard.ts';

/** Text of a number as Excel would show it in General format (no exponent below 1e21). */
export function numberText(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

interface CellText {
  text: string;
  numeric: boolean;
  formula: boolean;
  error?: string;
}

/** Converts an exceljs cell value to text, remembering whether it was numeric or a formula. */
function exceljsCellText(v: unknown): CellText {
  if (v === null || v === undefined) return { text: '', numeric: false, formula: false };
  if (typeof v === 'string') return { text: v, numeric: false, formula: false };
  if (typeof v === 'number') return { text: numberText(v), numeric: true, formula: false };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', numeric: false, formula: false };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10), numeric: false, formula: false };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      return { text: (o.richText as { text?: string }[]).map((r) => r.text ?? '').join(''), numeric: false, formula: false };
    }
    if ('formula' in o || 'sharedFormula' in o) {
      // Only the cached result is used, as text; nothing is evaluated.
      const inner = exceljsCellText(o.result);
      return { text: inner.text, numeric: inner.numeric, formula: true, error: inner.error };
    }
    if ('error' in o) return { text: '', numeric: false, formula: false, error: String(o.error) };
    if ('text' in o) return exceljsCellText(o.text);
    if ('hyperlink' in o) return { text: String(o.hyperlink), numeric: false, formula: false };
  }
  return { text: String(v), numeric: false, formula: false };
}

/** The XLSX reader: first worksheet, cells as text with numeric/formula/error flags. */
export function readXlsx(input: ByteInput, opts: ReadOptions): RawSource {
  let sheetName: string | undefined;
  async function* rows(): AsyncGenerator<RawRow> {
    const buf = await collect(input, opts.maxFileBytes ?? 200 * MiB);
    if (buf.length === 0) throw new IngestError('empty_file', '文件为空', {});
    const kind = detectKind(buf.subarray(0, 65536));
    if (kind !== 'xlsx') {
      throw new IngestError('file_type_mismatch', '文件内容不是 xlsx 格式（扩展名与内容不符），请用 Excel 另存为 .xlsx 后重新上传', {
        detected: kind,
      });
    }
    const zip = await assertSafeZip(buf, opts.zip);
    let fast: OpenWorkbook | null;
    try {
      fast = openWorkbook(buf, zip);
    } catch {
      fast = null; // parts we cannot read directly: exceljs below reports what is wrong
    }
    if (fast) {
      sheetName = fast.sheetName;
      try {
        for await (const row of fast.rows()) {
          const r: RawRow = { rowNumber: row.rowNumber, cells: row.cells };
          if (row.numericCols) r.numericCols = row.numericCols;
          if (row.formulaCols) r.formulaCols = row.formulaCols;
          if (row.errors) {
            r.issues = row.errors.map((e) => ({
              code: 'cell_error_value' as const,
              severity: 'warning' as const,
              column: e.column,
              message: `第 ${e.column + 1} 列为错误值 ${e.value}，已按空值处理`,
            }));
          }
          yield r;
        }
      } catch (err) {
        if (err instanceof IngestError) throw err;
        throw new IngestError('xlsx_unreadable', `无法读取 xlsx 文件：${(err as Error).message}。请用 Excel 打开后重新保存再上传`, {});
      }
      return;
    }
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'ignore', // dates then arrive as serial numbers, flagged numeric
      hyperlinks: 'ignore',
      entries: 'ignore',
    } as ExcelJS.stream.xlsx.WorkbookStreamReaderOptions);
    try {
      for await (const ws of reader as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name?: string }>) {
        sheetName = ws.name;
        for await (const row of ws) {
          const values = row.values as unknown[];
          const cells: string[] = [];
          let numericCols: number[] | undefined;
          let formulaCols: number[] | undefined;
          let issues: RowIssue[] | undefined;
          for (let c = 1; c < values.length; c++) {
            const t = exceljsCellText(values[c]);
            cells.push(t.text);
            if (t.numeric) (numericCols ??= []).push(c - 1);
            if (t.formula) (formulaCols ??= []).push(c - 1);
            if (t.error) {
              (issues ??= []).push({
                code: 'cell_error_value',
                severity: 'warning',
                column: c - 1,
                message: `第 ${c} 列为错误值 ${t.error}，已按空值处理`,
              });
            }
          }
          const r: RawRow = { rowNumber: row.number, cells };
          if (numericCols) r.numericCols = numericCols;
          if (formulaCols) r.formulaCols = formulaCols;
          if (issues) r.issues = issues;
          yield r;
        }
        break; // first worksheet only
      }
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw new IngestError('xlsx_unreadable', `无法读取 xlsx 文件：${(err as Error).message}。请用 Excel 打开后重新保存再上传`, {});
    }
  }
  return { format: 'xlsx', encoding: () => null, sheetName: () => sheetName, rows: rows() };
}
