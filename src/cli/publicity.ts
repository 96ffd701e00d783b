// `citycredit publicity explain <file> --catalog <item> [--at YYYY-MM-DD] [--dept <dept>] [--transition <rule>]`:
// a dry-run of the publicity rules (issue 13 §2). The file is read and validated exactly as `import` does
// (ingest validateUpload), nothing is stored, and each data row prints one JSON line with its decision.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import type { AppContext } from '../platform/http.ts';
import { AppError } from '../platform/errors.ts';
import { loadCalendar } from '../platform/calendar.service.ts';
import { findDepartment } from '../domains/auth/auth.service.ts';
import { reportingAuthorities } from '../domains/auth/authorities.service.ts';
import { compileItem } from '../domains/catalog/catalog.model.ts';
import { findActiveItem, listActiveItems } from '../domains/catalog/catalog.repository.ts';
import { validateUpload } from '../domains/ingest/index.ts';
import { DEFAULT_RULE_SETS, decidePublicity, loadPublicitySettings, type PublicityDecision, type ReasonCode, type TransitionRule } from '../domains/publicity/index.ts';
import { recordInput } from '../domains/publicity/publicity.service.ts';

/** Decision reason codes the credit office should look at before the file is collected. */
const ATTENTION: ReadonlySet<ReasonCode> = new Set(['unknown_category', 'no_category', 'revocation_negated', 'revocation_in_text', 'before_first_regime', 'department_end_date_ignored', 'invalid_decision_date', 'possibly_simple_procedure', 'fine_unit_suspect', 'fine_implausible', 'age_unconfirmed']);
const TRANSITIONS: readonly TransitionRule[] = ['decision_date', 'new_for_all', 'lighter'];

/** One output line for a decided row: the fields the credit office checks (issue 13 §2). */
export function explainLine(row: number, d: PublicityDecision, transition: TransitionRule, rowWarnings: readonly string[]) {
  return {
    row,
    ok: true,
    regime: d.regime,
    severity: d.specificSerious ? '特定严重' : d.severity,
    public: d.public,
    publicFrom: d.from,
    publicUntil: d.until,
    // Repair is possible at all (not for 特定严重失信); repairableFrom says from when.
    repairable: d.repairableFrom !== null,
    repairableFrom: d.repairableFrom,
    audience: d.audience,
    sector: d.sector,
    transition,
    reasons: d.explanation.split('；'),
    reasonCodes: d.reasons,
    warnings: [...new Set([...rowWarnings, ...d.reasons.filter((r) => ATTENTION.has(r))])],
  };
}

/** Adds `publicity explain` to the program; `open` provides the database context (catalogue, calendar). */
export function registerPublicityCommands(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const publicity = program.command('publicity').description('公示期规则');
  publicity
    .command('explain <file>')
    .description('试算公示结果：按导入流程读取并校验文件，不入库，每个数据行输出一行 JSON')
    .requiredOption('--catalog <item>', '目录项：标识或中文名称，如 sgs_cf_v2 或 行政处罚')
    .option('--at <date>', '按哪一天判断（YYYY-MM-DD，默认今天）')
    .option('--dept <dept>', '报送部门（补全旧版文件缺少的机关代码等，与导入相同）')
    .option('--transition <rule>', '试算另一种过渡规则：decision_date / new_for_all / lighter')
    .action(async (file: string, opts: { catalog: string; at?: string; dept?: string; transition?: string }) => {
      if (opts.at !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.at)) throw new AppError('invalid_date', `日期“${opts.at}”格式错误，应为 YYYY-MM-DD`);
      if (opts.transition !== undefined && !TRANSITIONS.includes(opts.transition as TransitionRule)) {
        throw new AppError('invalid_transition', `过渡规则“${opts.transition}”无效，可选：${TRANSITIONS.join('、')}`);
      }
      const at = opts.at ?? new Date();
      const today = opts.at ? new Date(`${opts.at}T12:00:00+08:00`) : new Date();
      await open(async (ctx) => {
        // The settings the credit office confirmed (console), with --transition tried instead of its choice.
        const stored = await loadPublicitySettings(ctx.db);
        const settings = opts.transition ? { ...stored, transition: { ...stored.transition, rule: opts.transition as TransitionRule } } : stored;
        const item = await findActiveItem(ctx.db, opts.catalog);
        if (!item) {
          const names = (await listActiveItems(ctx.db)).map((i) => `${i.id}（${i.name}）`).join('、');
          throw new AppError('catalog_not_found', `找不到目录项“${opts.catalog}”。可用：${names}`);
        }
        let defaults = {};
        if (opts.dept) {
          const dept = await findDepartment(ctx.db, opts.dept);
          if (!dept) throw new AppError('department_not_found', `找不到部门“${opts.dept}”`);
          const auth = await reportingAuthorities(ctx.db, dept.id);
          defaults = { source_name: auth.departmentName, ...(auth.own ? { authority_uscc: auth.own, source_uscc: auth.own } : {}) };
        }
        const validation = { today, calendar: await loadCalendar(ctx.db), reportDate: today, defaults, piiScreen: ctx.config.ingestPiiScreen, decisionDateWarnBefore: ctx.config.ingestDecisionDateWarnBefore, publicity: settings };
        const dateField = compileItem(item).byRole.get('decision_date')?.code;
        const write = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
        for await (const ev of validateUpload(createReadStream(file), { item, ctx: validation, filename: basename(file) })) {
          if (ev.type === 'row') {
            const r = ev.result;
            const warnings = r.warnings.map((w) => w.code);
            if (!r.ok) {
              write({ row: ev.rowNumber, ok: false, errors: r.errors.map((e) => ({ field: e.field, header: e.header, code: e.code, message: e.message })), warnings });
              continue;
            }
            const date = dateField ? r.values[dateField] : null;
            const input = recordInput(item.recordType, typeof date === 'string' ? date : null, r.values);
            if (!input) {
              write({ row: ev.rowNumber, ok: false, errors: [{ field: '', header: '', code: 'publicity_input_unreadable', message: '无法据此行判断公示结果' }], warnings });
              continue;
            }
            write(explainLine(ev.rowNumber, decidePublicity(input, at, DEFAULT_RULE_SETS, settings), settings.transition.rule, warnings));
          } else if (ev.type === 'end' && ev.fileErrors.length) {
            for (const e of ev.fileErrors) write({ row: null, ok: false, errors: [e] });
            process.exitCode = 1;
          }
        }
      });
    });
}
