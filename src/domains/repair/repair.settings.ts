// The repair settings (信用修复设置), one jsonb value under the settings key 'repair' over these defaults.
// Deadlines: docs/domain/03-publicity.md §3.3 (10 working days to answer, 3 to decide); the repeat-offender bar
// and per-regime deadlines are [M] there, so they are settings the credit office confirms.
import { getSetting, putSetting } from '../../platform/settings.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';

export const REPAIR_SETTINGS_KEY = 'repair';

/** Working-day deadlines of one regime. */
export interface RepairDeadlines {
  /** The applicant gets an answer within this many working days of applying. */
  answerDays: number;
  /** The deciding department decides within this many working days of receiving the application. */
  decideDays: number;
}

export interface RepairSettings {
  /** Per regime id ('2019', '2023', '2026'); `default` for a regime not listed. */
  deadlines: Record<string, RepairDeadlines> & { default: RepairDeadlines };
  /** Materials: largest file, most files per application. */
  maxFileBytes: number;
  maxFiles: number;
  /** 屡禁不止、屡罚不改 (§3.3, [M]): with `enabled`, `count` or more penalties within `years` bar an application. */
  repeatOffenderBar: { enabled: boolean; years: number; count: number };
  /** The bankruptcy-restructuring channel (§3.3): a court-approved plan lets an enterprise apply, with the ruling. */
  restructuringChannel: boolean;
}

export const DEFAULT_REPAIR_SETTINGS: RepairSettings = {
  // docs/domain/03-publicity.md §3.3: 10 working days to forward and answer, 3 for the regulator to decide.
  deadlines: { default: { answerDays: 10, decideDays: 3 } },
  maxFileBytes: 10 * 1024 * 1024,
  maxFiles: 10,
  repeatOffenderBar: { enabled: false, years: 3, count: 3 },
  restructuringChannel: true,
};

/** The repair settings in force: the stored value over the defaults (unknown keys ignored). */
export async function repairSettings(db: DbOrTx): Promise<RepairSettings> {
  const stored = ((await getSetting(db, REPAIR_SETTINGS_KEY)) ?? {}) as Partial<RepairSettings>;
  return {
    ...DEFAULT_REPAIR_SETTINGS,
    ...stored,
    deadlines: { ...DEFAULT_REPAIR_SETTINGS.deadlines, ...(stored.deadlines ?? {}) },
    repeatOffenderBar: { ...DEFAULT_REPAIR_SETTINGS.repeatOffenderBar, ...(stored.repeatOffenderBar ?? {}) },
  };
}

/** The deadlines of a regime (its own entry, else the default). */
export function deadlinesOf(s: RepairSettings, regime: string): RepairDeadlines {
  return s.deadlines[regime] ?? s.deadlines.default;
}

/** The regimes whose deadlines the console sets (publicity/defaults/regime-*.json); `default` covers the rest. */
export const REPAIR_REGIMES = ['default', '2019', '2023', '2026'] as const;
/** Hard cap of one application's upload request (repair.routes.ts): the limits must fit inside it. */
export const REPAIR_REQUEST_CAP_BYTES = 200 * 1024 * 1024;

/** What is wrong with a settings value, in Chinese (empty when valid). */
export function repairSettingsProblems(s: RepairSettings): string[] {
  const out: string[] = [];
  const days = (v: number) => Number.isInteger(v) && v >= 1 && v <= 60;
  for (const [regime, d] of Object.entries(s.deadlines)) {
    const name = regime === 'default' ? '默认' : `${regime} 年规则`;
    if (!days(d.answerDays)) out.push(`${name}：答复申请人时限须为 1–60 个工作日`);
    if (!days(d.decideDays)) out.push(`${name}：认定部门决定时限须为 1–60 个工作日`);
    if (days(d.answerDays) && days(d.decideDays) && d.decideDays > d.answerDays) out.push(`${name}：认定部门决定时限不能长于答复申请人的时限`);
  }
  if (!Number.isInteger(s.maxFiles) || s.maxFiles < 1 || s.maxFiles > 20) out.push('材料数量上限须为 1–20 个');
  if (!Number.isInteger(s.maxFileBytes) || s.maxFileBytes < 100 * 1024 || s.maxFileBytes > 50 * 1024 * 1024) out.push('单个材料大小上限须在 0.1–50 MB 之间');
  else if (s.maxFiles * s.maxFileBytes > REPAIR_REQUEST_CAP_BYTES) out.push('材料数量 × 单个大小不能超过一次提交 200 MB 的上限');
  const bar = s.repeatOffenderBar;
  if (!Number.isInteger(bar.years) || bar.years < 1 || bar.years > 10) out.push('屡禁不止限制的年限须为 1–10 年');
  if (!Number.isInteger(bar.count) || bar.count < 2 || bar.count > 50) out.push('屡禁不止限制的处罚次数须为 2–50 次');
  return out;
}

/**
 * Stores the credit office's repair settings (the whole value the console sends), refused whole with every
 * problem listed when a value is out of range; audited with before and after in the same transaction.
 */
export async function saveRepairSettings(db: Db, next: RepairSettings, ctx: AuditContext): Promise<RepairSettings> {
  const problems = repairSettingsProblems(next);
  if (problems.length) throw new AppError('workflow_settings_invalid', problems.join('；'), 400, { problems });
  const value: RepairSettings = {
    deadlines: Object.fromEntries(Object.entries(next.deadlines).map(([k, d]) => [k, { answerDays: d.answerDays, decideDays: d.decideDays }])) as RepairSettings['deadlines'],
    maxFileBytes: next.maxFileBytes,
    maxFiles: next.maxFiles,
    repeatOffenderBar: { enabled: next.repeatOffenderBar.enabled, years: next.repeatOffenderBar.years, count: next.repeatOffenderBar.count },
    restructuringChannel: next.restructuringChannel,
  };
  return db.transaction().execute(async (trx) => {
    const before = await repairSettings(trx);
    await putSetting(trx, REPAIR_SETTINGS_KEY, value);
    await audit(trx, ctx, { action: 'repair.settings', target: `setting:${REPAIR_SETTINGS_KEY}`, detail: { before, after: value } });
    return repairSettings(trx);
  });
}
