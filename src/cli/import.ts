// `citycredit import <file> --catalog <item> --dept <dept> [--json] [--errors FILE]`: the file channel on the
// command line, through the same validation and commit path as uploads; a progress bar on a terminal. The
// receipt says why rows were returned, and `--errors` writes the console's error workbook.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { AppContext } from '../platform/http.ts';
import { audit } from '../platform/audit.ts';
import { AppError } from '../platform/errors.ts';
import { findDepartment } from '../domains/auth/auth.service.ts';
import { findActiveItem, listActiveItems } from '../domains/catalog/catalog.repository.ts';
import { appImportOptions, importFile, type Receipt } from '../domains/ingest/import.service.ts';
import { allRejects, type RejectDto } from '../domains/ingest/ingest.repository.ts';
import { maskedErrorWorkbook } from '../domains/ingest/errorfile.ts';
import { backfillSearchColumns } from '../domains/subjects/subjects.service.ts';

/** A CLI receipt: the import's receipt plus every returned row with its errors (row number, field, code, message). */
export interface CliReceipt extends Receipt {
  rejects: RejectDto[];
}

/** How many reasons the text receipt lists before summing up the rest. */
const REASONS_SHOWN = 10;

/** The returned rows' reasons, most frequent first: each error code once, with its first message and the number of rows it returned. */
export function rejectReasons(rejects: readonly RejectDto[]): Array<{ code: string; message: string; rows: number }> {
  const byCode = new Map<string, { code: string; message: string; rows: number }>();
  for (const r of rejects) {
    // A row with two errors of one code (two bad dates) counts once for that code.
    for (const code of new Set(r.errors.map((e) => e.code))) {
      const seen = byCode.get(code);
      if (seen) seen.rows++;
      else byCode.set(code, { code, message: r.errors.find((e) => e.code === code)!.message, rows: 1 });
    }
  }
  return [...byCode.values()].sort((a, b) => b.rows - a.rows || a.code.localeCompare(b.code));
}

/** A readable Chinese receipt (回执). */
export function formatReceipt(r: CliReceipt): string {
  const lines = [
    `回执：批次 #${r.batchId}（${r.item.name} v${r.item.version}，文件 ${r.fileName ?? '—'}${r.encoding ? `，编码 ${r.encoding}` : ''}）`,
    r.status === 'committed' ? '状态：已入库' : r.status === 'pending_review' ? '状态：待审核（本部门须审核：审核员在控制台“回执”中审核通过后入库，入库前不公示）' : '状态：整批退回',
    `共 ${r.total} 行：接收 ${r.accepted}，退回 ${r.rejected}；新增 ${r.new}，更新 ${r.updated}，重复未变 ${r.duplicates}，撤销 ${r.withdrawn}，超期上报 ${r.late}`,
  ];
  if (r.sameAsBatch) lines.push(`提示：与已入库批次 #${r.sameAsBatch} 的文件内容完全相同，未新增任何数据`);
  for (const e of r.errors) lines.push(`错误（${e.code}）：${e.message}`);
  const reasons = rejectReasons(r.rejects);
  if (reasons.length) {
    lines.push('退回原因（按涉及行数排序）：');
    for (const x of reasons.slice(0, REASONS_SHOWN)) lines.push(`  ${x.rows} 行  ${x.message}（${x.code}）`);
    const rest = reasons.slice(REASONS_SHOWN);
    if (rest.length) lines.push(`  其余 ${rest.length} 种原因，涉及 ${rest.reduce((n, x) => n + x.rows, 0)} 行次；完整明细请用 --json 或 --errors 文件`);
  }
  for (const w of r.warnings ?? []) lines.push(`提示（${w.code}）：已接收 ${w.rows} 行含疑似个人信息，请核实（第 ${w.rowNumbers.slice(0, 5).join('、')} 行等）。例：${w.message}`);
  return lines.join('\n');
}

/** Adds `import` to the program; `open` provides the database context. */
export function registerImportCommand(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  program
    .command('import <file>')
    .description('导入一个 CSV/XLSX/XLS 文件（与控制台上传同一校验流程），输出回执')
    .requiredOption('--catalog <item>', '目录项：标识或中文名称，如 sgs_cf_v2 或 行政处罚')
    .requiredOption('--dept <dept>', '报送部门：编码或全称，如 西宁市市场监督管理局')
    .option('--json', '以 JSON 输出回执（计数字段 total/accepted/rejected/new/updated/duplicates/withdrawn/late；rejects 为每个退回行的行号与错误）', false)
    .option('--errors <file>', '将退回数据写入错误数据文件（.xlsx，与控制台“下载错误数据”相同，个人信息已脱敏）')
    .action(async (file: string, opts: { catalog: string; dept: string; json: boolean; errors?: string }) => {
      const receipt = await open(async (ctx) => {
        const item = await findActiveItem(ctx.db, opts.catalog);
        if (!item) {
          const names = (await listActiveItems(ctx.db)).map((i) => `${i.id}（${i.name}）`).join('、');
          throw new AppError('catalog_not_found', `找不到目录项“${opts.catalog}”。可用：${names}`);
        }
        const dept = await findDepartment(ctx.db, opts.dept);
        if (!dept) throw new AppError('department_not_found', `找不到部门“${opts.dept}”`);
        const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ format: '导入中 [{bar}] {percentage}% | {rows} 行', stream: process.stderr }, Presets.shades_classic) : null;
        bar?.start(100, 0, { rows: 0 });
        const cliActor = { actor: { username: 'cli' }, ip: 'cli' };
        const what = { file: resolve(file), item: item.id, departmentId: dept.id, department: dept.name };
        let r: Receipt;
        try {
          r = await importFile({
            ...appImportOptions(ctx),
            item,
            departmentId: dept.id,
            channel: 'cli',
            path: file,
            onProgress: (p) => bar?.update(p.totalBytes ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 0, { rows: p.rows }),
          });
          // The import decided publicity and wrote complete search columns for what it created. Subjects known
          // only by a legacy code are created with the SQL part of their search columns; 拼音 initials and
          // traditional-character names are completed here (a running server would do it on the import's
          // notification, but may not be running).
          if (r.status === 'committed') await backfillSearchColumns(ctx.db, { waitForOthersMs: 0 });
          // A CLI import is audited as an upload is (actor cli): the file, the department and the counts.
          await audit(ctx.db, cliActor, {
            action: 'ingest.cli',
            target: `batch:${r.batchId}`,
            outcome: r.status === 'rejected' ? 'failed' : 'ok',
            detail: { ...what, status: r.status, total: r.total, accepted: r.accepted, rejected: r.rejected, new: r.new, updated: r.updated, duplicates: r.duplicates, withdrawn: r.withdrawn },
          });
        } catch (e) {
          // An import that could not run (unreadable file, database error) is audited too.
          await audit(ctx.db, cliActor, { action: 'ingest.cli', target: what.file, outcome: 'failed', detail: { ...what, error: e instanceof Error ? e.message : String(e) } }).catch(() => undefined);
          throw e;
        } finally {
          bar?.stop();
        }
        // Every returned row's errors, for the receipt's reasons and for scripts reading --json. Read after the
        // import's own audit entry, so that a failure here does not record the (completed) import as failed.
        const rejects = r.rejected > 0 ? (await allRejects(ctx.db, r.batchId)).map((x) => ({ rowNumber: x.rowNumber, errors: x.errors })) : [];
        if (opts.errors) await writeFile(opts.errors, await maskedErrorWorkbook(ctx.db, r.batchId, cliActor));
        return { ...r, rejects };
      });
      process.stdout.write((opts.json ? JSON.stringify(receipt, null, 2) : formatReceipt(receipt)) + '\n');
      // A held batch (待审核) is not a failure; a batch rejected as a whole is.
      if (receipt.status === 'rejected') process.exitCode = 2;
    });
}
