// Spreadsheet helpers shared by the score, checklist and event modules: read the first sheet of an
// .xlsx as text rows, and neutralise formula injection when writing user data to cells.
import ExcelJS from 'exceljs';
import { MonitoringError } from './errors.ts';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import { writeSheet } from '../../platform/xlsx.ts';

/** A sheet row as trimmed text cells, with its 1-based row number. */
export interface SheetRow {
  row: number;
  cells: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Text of an exceljs cell value: rich text, hyperlinks, formula results and dates included. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
    if ('hyperlink' in value) return String(value.text ?? value.hyperlink).trim();
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value).trim();
}

/** Reads the first worksheet of an .xlsx buffer into text rows (empty rows skipped). */
export async function readFirstSheet(buffer: Buffer | Uint8Array): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new MonitoringError('unsupported_format', `无法读取 Excel 文件：${(err as Error).message}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new MonitoringError('unsupported_format', 'Excel 文件中没有工作表');
  const rows: SheetRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    if (cells.some((c) => c !== '')) rows.push({ row: rowNumber, cells });
  });
  return rows;
}

export { neutraliseCell };

// The one-sheet writer is shared with the assessment domain, so it lives in the platform.
export { writeSheet };
