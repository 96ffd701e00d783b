// The downloadable receipt (回执, issue 17 §2): the batch's counts and, per record it wrote, the publicity decision
// the engine stored (公示至 a date, or 不予公示 with the reason in words), as XLSX. Every cell is neutralised against
// formulas; no personal numbers are in it (the subject's name, as the console's record list shows it).
import ExcelJS from 'exceljs';
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import type { SessionUser } from '../auth/index.ts';
import { batchRecords, type BatchRecordDto } from './ingest.repository.ts';
import { receiptInScope } from './receipts.service.ts';

/** Records listed in the file at most; the console's 归集记录 shows the rest. */
export const RECEIPT_FILE_MAX_RECORDS = 50_000;

const STATUS_WORDS: Record<string, string> = {
  processing: '校验中',
  pending_review: '待审核（审核通过后入库，入库前不公示）',
  returned: '审核退回',
  committed: '已入库',
  rejected: '已退回',
  failed: '处理失败',
};

/** A page of the records a batch wrote with their publicity decisions, if the user may see the batch. */
export async function batchRecordsInScope(db: Db, user: SessionUser, batchId: string, after: number, ctx: AuditContext): Promise<{ items: BatchRecordDto[]; nextCursor: string | null }> {
  await receiptInScope(db, { user }, batchId, ctx);
  return batchRecords(db, batchId, after);
}

/** The receipt workbook of a batch the user may see; the download is audited. */
export async function receiptWorkbook(db: Db, user: SessionUser, batchId: string, ctx: AuditContext): Promise<{ fileName: string; body: Buffer }> {
  const b = await receiptInScope(db, { user }, batchId, ctx);
  const records: BatchRecordDto[] = [];
  let after = 0;
  while (records.length < RECEIPT_FILE_MAX_RECORDS) {
    const page = await batchRecords(db, batchId, after, 1000);
    records.push(...page.items);
    if (!page.nextCursor) break;
    after = Number(page.nextCursor);
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('回执');
  const status = b.status === 'committed' && b.accepted === 0 && b.rejected > 0 ? '全部退回' : (STATUS_WORDS[b.status] ?? b.status);
  const summary: Array<[string, string | number]> = [
    ['批次号', b.batchId],
    ['目录项', `${b.item.name}（v${b.item.version}）`],
    ['报送部门', b.department.name],
    ['文件', b.fileName ?? '—'],
    ['状态', status],
    ['提交时间', b.createdAt],
    ['完成时间', b.finishedAt ?? '—'],
    ['共', b.total],
    ['接收', b.accepted],
    ['退回', b.rejected],
    ['新增', b.new],
    ['更新', b.updated],
    ['重复未变', b.duplicates],
    ['撤销', b.withdrawn],
    ['超期上报', b.late],
  ];
  if (b.reviewNote) summary.push(['退回说明', b.reviewNote]);
  for (const [k, v] of summary) ws.addRow([k, typeof v === 'string' ? neutraliseCell(v) : v]);
  ws.getColumn(1).width = 14;
  ws.getColumn(2).width = 60;
  const rs = wb.addWorksheet('记录与公示决定');
  rs.addRow(['行号', '决定文书号', '主体名称', '记录状态', '公示决定', '说明']).font = { bold: true };
  for (const r of records) {
    const p = r.record.publicity;
    rs.addRow([r.rowNumber, neutraliseCell(r.record.docNo), neutraliseCell(r.record.subjectName ?? ''), r.record.status === 'withdrawn' ? '已撤销' : '有效', neutraliseCell(p.label), neutraliseCell(p.explanation ?? '')]);
  }
  if (records.length >= RECEIPT_FILE_MAX_RECORDS) rs.addRow([null, `仅列出前 ${RECEIPT_FILE_MAX_RECORDS} 条记录，其余请在“归集记录”中查看`]);
  [8, 30, 30, 10, 28, 80].forEach((w, i) => (rs.getColumn(i + 1).width = w));
  rs.views = [{ state: 'frozen', ySplit: 1 }];
  await audit(db, ctx, { action: 'ingest.receipt.download', target: `batch:${batchId}`, detail: { records: records.length } });
  return { fileName: `回执-批次${b.batchId}-${b.item.name}.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
}
