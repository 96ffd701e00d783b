// Working-day calendar (工作日历): 法定节假日 + 调休, seeded from `chinese-days` and corrected by the
// credit office's override table (ARCHITECTURE.md "Working days"; docs/domain/01-sgs.md §1.1, 7 个工作日).
//
// The library silently treats a year it lacks as plain Monday–Friday weeks. This module never does
// that silently: a year with neither library data nor an override is counted weekends-only, and
// every result that touches it carries `provisional: true` so the console can alert the office.
//
// Dates are calendar days. Strings are 'YYYY-MM-DD'; a JS Date is read as a day in China Standard
// Time (UTC+8, no DST since 1991), so a server running in UTC still sees Beijing's date.
// Internally a day is an "epoch day": whole days since 1970-01-01.
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

export type DateInput = Date | string;

export interface CalendarOverride {
  date: string;
  kind: 'workday' | 'holiday';
  /** Optional note, e.g. '春节' or '国庆调休上班'. */
  name?: string;
}

export type YearCoverage = 'library' | 'override' | 'library+override' | 'none';

export interface DayInfo {
  date: string;
  workday: boolean;
  /** True when the day's year has no schedule (weekends-only guess). */
  provisional: boolean;
  source: 'library' | 'override' | 'weekday-rule';
}

export interface WorkingDaysResult {
  /** Working days in (from, to]; negative when `to` is before `from`. */
  days: number;
  provisional: boolean;
}

export interface AddWorkingDaysResult {
  date: string;
  provisional: boolean;
}

export interface WorkCalendar {
  /** Whether the day is a working day, and whether that answer is provisional. */
  isWorkday(date: DateInput): DayInfo;
  /**
   * Working days after `from` up to and including `to` — the legal convention that the start
   * day is not counted (期间开始之日不计算在内): decision on Monday, report on Tuesday → 1.
   * Negative when `to` precedes `from`; 0 when equal.
   */
  workingDaysBetween(from: DateInput, to: DateInput): WorkingDaysResult;
  /** The day that is n working days after `date` (n < 0: before); n = 0 returns `date` itself. */
  addWorkingDays(date: DateInput, n: number): AddWorkingDaysResult;
  /** Years with a real schedule (library or override), ascending. */
  coveredYears(): number[];
  /** Where a year's schedule comes from; 'none' means provisional. */
  yearCoverage(year: number): YearCoverage;
  /** Years between two dates (inclusive) that have no schedule — for the console alert. */
  uncoveredYears(from: DateInput, to: DateInput): number[];
  /** Hot path for bulk validation: same as workingDaysBetween on epoch days, no allocation. */
  countWorkingDays(fromDay: number, toDay: number): number;
  /** Hot path companion: true when any day in (fromDay, toDay] falls in an uncovered year. */
  isProvisionalBetween(fromDay: number, toDay: number): boolean;
}

const MS_PER_DAY = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

/** Epoch day of a calendar date given as numbers (month 1–12). */
export function epochDayOf(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil (month and day assumed in range, as callers validate).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Today in China (UTC+8), YYYY-MM-DD: the day deadlines and validity are counted from. */
export function chinaToday(now = new Date()): string {
  return isoOfEpochDay(chinaEpochDay(now));
}

/** Epoch day of a JS Date, read in China Standard Time. */
export function chinaEpochDay(d: Date): number {
  return Math.floor((d.getTime() + CST_OFFSET_MS) / MS_PER_DAY);
}

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

/**
 * The calendar date of an epoch day, packed as yyyymmdd (a number, so the hot paths allocate nothing).
 * Howard Hinnant's civil_from_days, valid for the whole proleptic Gregorian range we use.
 */
export function civilOfEpochDay(day: number): number {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

/** 'YYYY-MM-DD' of an epoch day (no Date allocation, hot in imports). */
export function isoOfEpochDay(day: number): string {
  const c = civilOfEpochDay(day);
  const y = Math.floor(c / 10000);
  if (y < 1000 || y > 9999) return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  return y + '-' + PAD2[Math.floor(c / 100) % 100] + '-' + PAD2[c % 100];
}

/** Parses a strict 'YYYY-MM-DD' into an epoch day, or NaN when it is not a real calendar date. */
export function parseIsoDay(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return NaN;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return epochDayOf(y, m, d);
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function toEpochDay(date: DateInput): number {
  if (typeof date === 'string') {
    const day = parseIsoDay(date);
    if (Number.isNaN(day)) throw new RangeError(`无效日期：${date}（应为 YYYY-MM-DD）`);
    return day;
  }
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('无效日期');
  return chinaEpochDay(date);
}

/** Calendar year of an epoch day (no Date allocation on the hot path). */
function yearOfDay(day: number): number {
  let y = Math.floor(day / 365.2425) + 1970;
  while (epochDayOf(y, 1, 1) > day) y--;
  while (epochDayOf(y + 1, 1, 1) <= day) y++;
  return y;
}

interface YearData {
  start: number; // epoch day of 1 January
  work: Uint8Array; // 1 = working day
  cum: Int32Array; // cum[i] = working days among the first i days of the year
  provisional: boolean;
  coverage: YearCoverage;
  fromOverride: Uint8Array; // 1 = the day's status comes from the override table
}

// The library's dataset: `holidays` are days off (including the weekend days inside a holiday),
// `workdays` are weekend days turned into working days (调休上班).
const LIB_HOLIDAYS = chineseDaysData.holidays as Record<string, string>;
const LIB_WORKDAYS = chineseDaysData.workdays as Record<string, string>;
const LIB_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(LIB_HOLIDAYS), ...Object.keys(LIB_WORKDAYS)].map((d) => Number(d.slice(0, 4))),
);

/** Years the bundled `chinese-days` dataset covers (2004–2026 in 1.5.7). */
export function libraryYears(): number[] {
  return [...LIB_YEARS].sort((a, b) => a - b);
}

/**
 * Builds a calendar from the library plus the credit office's override table. Throws on a
 * malformed override or on two overrides for the same day that disagree.
 */
export function createWorkCalendar(overrides: readonly CalendarOverride[] = []): WorkCalendar {
  const overrideByDay = new Map<number, 'workday' | 'holiday'>();
  const overrideYears = new Set<number>();
  for (const o of overrides) {
    const day = parseIsoDay(o.date);
    if (Number.isNaN(day)) throw new RangeError(`日历调整日期无效：${o.date}`);
    if (o.kind !== 'workday' && o.kind !== 'holiday') throw new RangeError(`日历调整类型无效：${String(o.kind)}`);
    const prev = overrideByDay.get(day);
    if (prev && prev !== o.kind) throw new RangeError(`日历调整冲突：${o.date} 同时被设为工作日和休息日`);
    overrideByDay.set(day, o.kind);
    overrideYears.add(Number(o.date.slice(0, 4)));
  }

  const years = new Map<number, YearData>();

  function coverageOf(year: number): YearCoverage {
    const lib = LIB_YEARS.has(year);
    const ovr = overrideYears.has(year);
    return lib && ovr ? 'library+override' : lib ? 'library' : ovr ? 'override' : 'none';
  }

  // One bitmap + prefix sum per year, built on first use: every later query is array lookups.
  function yearData(year: number): YearData {
    let yd = years.get(year);
    if (yd) return yd;
    const start = epochDayOf(year, 1, 1);
    const len = epochDayOf(year + 1, 1, 1) - start;
    const work = new Uint8Array(len);
    const fromOverride = new Uint8Array(len);
    const coverage = coverageOf(year);
    const lib = LIB_YEARS.has(year);
    for (let i = 0; i < len; i++) {
      const day = start + i;
      const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
      let isWork = dow !== 0 && dow !== 6;
      if (lib) {
        const iso = isoOfEpochDay(day);
        if (LIB_WORKDAYS[iso]) isWork = true;
        else if (LIB_HOLIDAYS[iso]) isWork = false;
      }
      const o = overrideByDay.get(day);
      if (o) {
        isWork = o === 'workday';
        fromOverride[i] = 1;
      }
      work[i] = isWork ? 1 : 0;
    }
    const cum = new Int32Array(len + 1);
    for (let i = 0; i < len; i++) cum[i + 1] = cum[i] + work[i];
    yd = { start, work, cum, provisional: coverage === 'none', coverage, fromOverride };
    years.set(year, yd);
    return yd;
  }

  // Working days in (a, b] for a <= b.
  function countForward(a: number, b: number): number {
    if (a >= b) return 0;
    const first = a + 1;
    const y1 = yearOfDay(first);
    const y2 = yearOfDay(b);
    let total = 0;
    for (let y = y1; y <= y2; y++) {
      const yd = yearData(y);
      const lo = y === y1 ? first - yd.start : 0;
      const hi = y === y2 ? b - yd.start + 1 : yd.work.length;
      total += yd.cum[hi] - yd.cum[lo];
    }
    return total;
  }

  function provisionalForward(a: number, b: number): boolean {
    if (a >= b) return false;
    const y1 = yearOfDay(a + 1);
    const y2 = yearOfDay(b);
    for (let y = y1; y <= y2; y++) if (coverageOf(y) === 'none') return true;
    return false;
  }

  function isWorkDay(day: number): boolean {
    const yd = yearData(yearOfDay(day));
    return yd.work[day - yd.start] === 1;
  }

  const cal: WorkCalendar = {
    isWorkday(date) {
      const day = toEpochDay(date);
      const year = yearOfDay(day);
      const yd = yearData(year);
      const i = day - yd.start;
      const source = yd.fromOverride[i] ? 'override' : LIB_YEARS.has(year) ? 'library' : 'weekday-rule';
      return { date: isoOfEpochDay(day), workday: yd.work[i] === 1, provisional: yd.provisional, source };
    },
    workingDaysBetween(from, to) {
      const a = toEpochDay(from);
      const b = toEpochDay(to);
      return { days: cal.countWorkingDays(a, b), provisional: cal.isProvisionalBetween(a, b) };
    },
    addWorkingDays(date, n) {
      if (!Number.isInteger(n)) throw new RangeError('工作日数必须为整数');
      const start = toEpochDay(date);
      let day = start;
      const step = n >= 0 ? 1 : -1;
      let left = Math.abs(n);
      while (left > 0) {
        day += step;
        if (isWorkDay(day)) left--;
      }
      const provisional = step > 0 ? provisionalForward(start, day) : provisionalForward(day - 1, start);
      return { date: isoOfEpochDay(day), provisional };
    },
    coveredYears() {
      return [...new Set([...LIB_YEARS, ...overrideYears])].sort((a, b) => a - b);
    },
    yearCoverage: coverageOf,
    uncoveredYears(from, to) {
      const y1 = yearOfDay(toEpochDay(from));
      const y2 = yearOfDay(toEpochDay(to));
      const out: number[] = [];
      for (let y = Math.min(y1, y2); y <= Math.max(y1, y2); y++) if (coverageOf(y) === 'none') out.push(y);
      return out;
    },
    countWorkingDays(fromDay, toDay) {
      return fromDay <= toDay ? countForward(fromDay, toDay) : -countForward(toDay, fromDay);
    },
    isProvisionalBetween(fromDay, toDay) {
      return fromDay <= toDay ? provisionalForward(fromDay, toDay) : provisionalForward(toDay, fromDay);
    },
  };
  return cal;
}
