// The objection settings (key 'objections' in the platform's settings table) and the working-day deadlines
// they give. docs/domain/03-publicity.md §3.4: correct or remove within 5 working days (a provincial rule);
// the national time limit is unsettled [M], so every figure is configurable.
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { AppError } from '../../platform/errors.ts';
import { getSetting, putSetting } from '../../platform/settings.ts';
import { chinaEpochDay, isoOfEpochDay, type WorkCalendar } from '../../platform/workCalendar.ts';

export interface ObjectionSettings {
  /** Working days the credit office has for the 初审 (pre-check) [M]. */
  precheckDays: number;
  /** Working days the source department has to verify and correct, remove or refuse (docs §3.4: 5). */
  departmentDays: number;
  /** Working days the applicant has to add missing material before staff may close the matter [M]. */
  materialDays: number;
  /** While open: 'mark' shows 异议处理中 on the record, 'hide' takes it off the public pages meanwhile. */
  whileOpen: 'mark' | 'hide';
  /** Evidence files per filing or supplement, and bytes per file (platform limits, set by the credit office). */
  maxFiles: number;
  maxFileBytes: number;
}

/** docs/domain/03-publicity.md §3.4: 5 working days for correction; the rest [M]. */
export const DEFAULT_OBJECTION_SETTINGS: ObjectionSettings = { precheckDays: 2, departmentDays: 5, materialDays: 10, whileOpen: 'mark', maxFiles: 5, maxFileBytes: 5 * 1024 * 1024 };

/** The largest evidence limits the portal's JSON body can carry (objections.routes.ts FILING_BODY_LIMIT). */
export const OBJECTION_LIMIT_CAPS = { maxFiles: 10, maxFileBytes: 5 * 1024 * 1024 } as const;

const posInt = (v: unknown, d: number) => (Number.isInteger(v) && (v as number) > 0 && (v as number) <= 60 ? (v as number) : d);

/** The settings in force: stored values over the defaults (a bad stored value falls back to its default). */
export async function objectionSettings(db: DbOrTx): Promise<ObjectionSettings> {
  const s = ((await getSetting(db, 'objections')) ?? {}) as Partial<Record<keyof ObjectionSettings, unknown>>;
  const d = DEFAULT_OBJECTION_SETTINGS;
  return {
    precheckDays: posInt(s.precheckDays, d.precheckDays),
    departmentDays: posInt(s.departmentDays, d.departmentDays),
    materialDays: posInt(s.materialDays, d.materialDays),
    whileOpen: s.whileOpen === 'hide' ? 'hide' : 'mark',
    maxFiles: Number.isInteger(s.maxFiles) && (s.maxFiles as number) >= 1 && (s.maxFiles as number) <= OBJECTION_LIMIT_CAPS.maxFiles ? (s.maxFiles as number) : d.maxFiles,
    maxFileBytes:
      Number.isInteger(s.maxFileBytes) && (s.maxFileBytes as number) >= 100 * 1024 && (s.maxFileBytes as number) <= OBJECTION_LIMIT_CAPS.maxFileBytes ? (s.maxFileBytes as number) : d.maxFileBytes,
  };
}

/** What is wrong with a settings value, in Chinese (empty when valid). */
export function objectionSettingsProblems(s: ObjectionSettings): string[] {
  const out: string[] = [];
  const days = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1 || v > 60) out.push(`${what}须为 1–60 个工作日`);
  };
  days(s.precheckDays, '初审时限');
  days(s.departmentDays, '认定部门核实更正时限');
  days(s.materialDays, '补充材料期限');
  if (s.whileOpen !== 'mark' && s.whileOpen !== 'hide') out.push('处理期间的公示方式须为“标注异议处理中”或“暂停公示”');
  if (!Number.isInteger(s.maxFiles) || s.maxFiles < 1 || s.maxFiles > OBJECTION_LIMIT_CAPS.maxFiles) out.push(`证明材料数量上限须为 1–${OBJECTION_LIMIT_CAPS.maxFiles} 个`);
  if (!Number.isInteger(s.maxFileBytes) || s.maxFileBytes < 100 * 1024 || s.maxFileBytes > OBJECTION_LIMIT_CAPS.maxFileBytes) out.push('单个证明材料大小上限须在 0.1–5 MB 之间');
  return out;
}

/**
 * Stores the credit office's objection settings (the whole value), refused whole with every problem listed;
 * audited with before and after. A new whileOpen applies to objections filed from now on.
 */
export async function saveObjectionSettings(db: Db, next: ObjectionSettings, ctx: AuditContext): Promise<ObjectionSettings> {
  const problems = objectionSettingsProblems(next);
  if (problems.length) throw new AppError('workflow_settings_invalid', problems.join('；'), 400, { problems });
  const value: ObjectionSettings = {
    precheckDays: next.precheckDays,
    departmentDays: next.departmentDays,
    materialDays: next.materialDays,
    whileOpen: next.whileOpen,
    maxFiles: next.maxFiles,
    maxFileBytes: next.maxFileBytes,
  };
  return db.transaction().execute(async (trx) => {
    const before = await objectionSettings(trx);
    await putSetting(trx, 'objections', value);
    await audit(trx, ctx, { action: 'objection.settings', target: 'setting:objections', detail: { before, after: value } });
    return objectionSettings(trx);
  });
}

/** The day in Beijing of an instant (YYYY-MM-DD). */
export const beijingDay = (at: Date): string => isoOfEpochDay(chinaEpochDay(at));

/** The day n working days after the day of `at` (the start day is not counted), on the holiday calendar. */
export function dueAfter(calendar: WorkCalendar, at: Date, n: number): string {
  return calendar.addWorkingDays(beijingDay(at), n).date;
}

/** The calendar with the credit office's overrides. */
export const calendarOf = (db: DbOrTx) => loadCalendar(db);
