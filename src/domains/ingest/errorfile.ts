// The error file (错误数据): a batch's rejected rows under the original header, with the reasons and row
// numbers, as XLSX that can be corrected and uploaded again. Personal cells are masked; only the uploader may
// ask for the rows as uploaded, which decrypts the sealed originals and is audited (issue 11 §5).
import ExcelJS from 'exceljs';
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { forbidden } from '../../platform/errors.ts';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import type { SessionUser } from '../auth/index.ts';
import { allRejects, batchUpload } from './ingest.repository.ts';
import { batchPersonalColumns, protectRejectCells, revealRejectCells } from './rejects.ts';
import { receiptInScope } from './receipts.service.ts';

/** An error workbook ready to send: its bytes and the file name the console offers. */
export interface ErrorFile {
  batchId: string;
  fileName: string;
  body: Buffer;
}

/**
 * Builds the error workbook of a batch the user may see; `unmasked` (uploader only, else 403) decrypts the
 * personal cells. The download, and any unmasked read, are audited.
 */
export async function errorWorkbook(db: Db, secret: string, user: SessionUser, batchId: string, unmasked: boolean, ctx: AuditContext): Promise<ErrorFile> {
  const b = await receiptInScope(db, { user }, batchId, ctx);
  const target = `batch:${batchId}`;
  const stored = await batchUpload(db, batchId);
  // Only the uploader sees their own rows as uploaded; everyone else in scope gets them masked.
  if (unmasked && stored.createdBy !== user.id) {
    await audit(db, ctx, { action: 'personal_data.read', target, outcome: 'denied', detail: { file: 'errors.xlsx', reason: 'not_uploader' } });
    throw forbidden('unmask_forbidden', '只有上传该批次的用户本人可以下载未脱敏的错误数据');
  }
  const header = stored.header;
  const rejects = await allRejects(db, batchId);
  // Rows stored before rejects were protected, not yet done by the reject-cells job: masked as they are read.
  const personal = rejects.some((r) => !r.cellsMasked) ? await batchPersonalColumns(db, batchId) : new Set<number>();
  const cellsOf = (r: (typeof rejects)[number]) => {
    if (!r.cellsMasked) return unmasked ? r.cells : protectRejectCells(r.cells, personal, new Date()).cells;
    return unmasked ? revealRejectCells(r.cells, r.piiEnc, secret) : r.cells;
  };
  if (unmasked) {
    // Every staff read of unmasked personal data is audited (privacy rule).
    await audit(db, ctx, { action: 'personal_data.read', target, detail: { file: 'errors.xlsx', rows: rejects.length } });
  }
  await audit(db, ctx, { action: 'ingest.errors.download', target, detail: { masked: !unmasked, rows: rejects.length } });
  const body = await renderWorkbook(header, rejects, cellsOf);
  return { batchId: b.batchId, fileName: `错误数据-批次${b.batchId}-${b.item.name}${unmasked ? '-未脱敏' : ''}.xlsx`, body };
}

/**
 * The masked error workbook of a batch for `citycredit import --errors` (no session user: the operator runs
 * the command on the server), byte-for-byte the rows and columns of the console's 下载错误数据, and audited
 * as that download is, under the caller's actor (cli).
 */
export async function maskedErrorWorkbook(db: Db, batchId: string, ctx: AuditContext): Promise<Buffer> {
  const stored = await batchUpload(db, batchId);
  const rejects = await allRejects(db, batchId);
  const personal = rejects.some((r) => !r.cellsMasked) ? await batchPersonalColumns(db, batchId) : new Set<number>();
  const cellsOf = (r: (typeof rejects)[number]) => (r.cellsMasked ? r.cells : protectRejectCells(r.cells, personal, new Date()).cells);
  await audit(db, ctx, { action: 'ingest.errors.download', target: `batch:${batchId}`, detail: { masked: true, rows: rejects.length } });
  return renderWorkbook(stored.header, rejects, cellsOf);
}

type StoredReject = Awaited<ReturnType<typeof allRejects>>[number];

/** The workbook itself: the original header plus 错误说明 and 原行号, every cell neutralised against formulas. */
async function renderWorkbook(header: string[], rejects: StoredReject[], cellsOf: (r: StoredReject) => string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('错误数据');
  ws.addRow([...header, '错误说明', '原行号'].map(neutraliseCell)).font = { bold: true };
  for (const r of rejects) {
    const cells = cellsOf(r);
    ws.addRow([...header.map((_, i) => neutraliseCell(cells[i] ?? '')), neutraliseCell(r.errors.map((e) => e.message).join('；')), r.rowNumber]);
  }
  // Every column as text, so 18-digit codes survive the round trip through Excel.
  ws.columns.forEach((c, i) => {
    c.numFmt = '@';
    c.width = i === header.length ? 60 : 20;
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
