// One-sheet .xlsx output shared by the monitoring and assessment exports (ARCHITECTURE.md "Files out").
// Kept apart from spreadsheet.ts so that modules needing only neutraliseCell do not load exceljs.
import ExcelJS from 'exceljs';
import { neutraliseCell } from './spreadsheet.ts';

/** Writes a simple one-sheet workbook; strings are neutralised, numbers stay numbers. */
export async function writeSheet(name: string, header: string[], rows: (string | number | null)[][], widths?: number[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(name);
  ws.addRow(header.map(neutraliseCell)).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => (typeof v === 'string' ? neutraliseCell(v) : v)));
  if (widths) widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
