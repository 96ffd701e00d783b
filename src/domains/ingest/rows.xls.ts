// Legacy XLS (Excel 97-2003) reader of rows.ts, through @e965/xlsx: the upload is buffered within
// its limit and the first sheet read densely; formulas are flagged and their cached values used.
import * as XLSX from '@e965/xlsx';
import { IngestError } from './errors.ts';
import { collect, MiB, type ByteInput, type RawRow, type RawSource, type ReadOptions, type RowIssue } from './rows.input.ts';
import { numberText } from './rows.xlsx.ts';
import { detectKind } from './sniff.ts';

/** The XLS reader: first sheet, cells as text with numeric/formula/error flags. */
export function readXls(input: ByteInput, opts: ReadOptions): RawSource {
  let sheetName: string | undefined;
  async function* rows(): AsyncGenerator<RawRow> {
    const buf = await collect(input, opts.maxFileBytes ?? 50 * MiB);
    if (buf.length === 0) throw new IngestError('empty_file', '文件为空', {});
    const kind = detectKind(buf.subarray(0, 65536));
    if (kind !== 'xls') {
      throw new IngestError('file_type_mismatch', '文件内容不是 Excel 97-2003（.xls）格式（扩展名与内容不符），请另存为 .xlsx 后重新上传', {
        detected: kind,
      });
    }
    let wb: XLSX.WorkBook;
    try {
      wb = XLSX.read(buf, {
        type: 'buffer',
        dense: true,
        cellFormula: true, // to flag formula cells; their cached values are used, nothing is evaluated
        cellHTML: false,
        cellDates: false,
        cellStyles: false,
        sheetRows: (opts.maxRows ?? 2_000_000) + (opts.headerSearchRows ?? 10) + 1,
        WTF: false,
      });
    } catch (err) {
      throw new IngestError('xls_unreadable', `无法读取 .xls 文件：${(err as Error).message}。请另存为 .xlsx 后重新上传`, {});
    }
    sheetName = wb.SheetNames[0];
    const ws = sheetName ? wb.Sheets[sheetName] : undefined;
    const data = (ws as unknown as { '!data'?: (XLSX.CellObject | undefined)[][] } | undefined)?.['!data'] ?? [];
    for (let r = 0; r < data.length; r++) {
      const line = data[r];
      if (!line) continue;
      const cells: string[] = [];
      let numericCols: number[] | undefined;
      let formulaCols: number[] | undefined;
      let issues: RowIssue[] | undefined;
      for (let c = 0; c < line.length; c++) {
        const cell = line[c];
        if (cell?.f) (formulaCols ??= []).push(c);
        if (!cell || cell.v === undefined || cell.v === null) {
          cells.push('');
          continue;
        }
        switch (cell.t) {
          case 'n':
            cells.push(numberText(cell.v as number));
            (numericCols ??= []).push(c);
            break;
          case 'b':
            cells.push(cell.v ? 'TRUE' : 'FALSE');
            break;
          case 'e':
            cells.push('');
            (issues ??= []).push({
              code: 'cell_error_value',
              severity: 'warning',
              column: c,
              message: `第 ${c + 1} 列为错误值 ${cell.w ?? ''}，已按空值处理`,
            });
            break;
          case 'd':
            cells.push(cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v));
            break;
          default:
            cells.push(String(cell.v));
        }
      }
      const row: RawRow = { rowNumber: r + 1, cells };
      if (numericCols) row.numericCols = numericCols;
      if (formulaCols) row.formulaCols = formulaCols;
      if (issues) row.issues = issues;
      yield row;
    }
  }
  return { format: 'xls', encoding: () => null, sheetName: () => sheetName, rows: rows() };
}
