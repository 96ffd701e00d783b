// The objection settings (key 'objections' in the platform's settings table) and the working-day deadlines
// they give. docs/domain/03-publicity.md §3.4: correct or remove within 5 working days (a provincial rule);
// the national time limit is unsettled [M], so every figure is configurable.
import type { DbOrTx } from '../../db/index.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { getSetting } from '../../platform/settings.ts';
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
}

/** docs/domain/03-publicity.md §3.4: 5 working days for correction; the rest [M]. */
export const DEFAULT_OBJECTION_SETTINGS: ObjectionSettings = { precheckDays: 2, departmentDays: 5, materialDays: 10, whileOpen: 'mark' };

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
  };
}

/** The day in Beijing of an instant (YYYY-MM-DD). */
export const beijingDay = (at: Date): string => isoOfEpochDay(chinaEpochDay(at));

/** The day n working days after the day of `at` (the start day is not counted), on the holiday calendar. */
export function dueAfter(calendar: WorkCalendar, at: Date, n: number): string {
  return calendar.addWorkingDays(beijingDay(at), n).date;
}

/** The calendar with the credit office's overrides. */
export const calendarOf = (db: DbOrTx) => loadCalendar(db);
