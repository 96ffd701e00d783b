// Calendar-day arithmetic for publicity periods. Days are epoch days (platform/workCalendar.ts);
// a JS Date is read as a day in China Standard Time.
//
// Periods in months follow 民法典 arts. 201–202 (not in DOMAIN; general law on 期间): the start
// day is not counted and a period of N months ends on the corresponding day of the N-th month,
// or on that month's last day when it has no such day. So a decision of 2024-03-05 with a 1-year
// maximum is public up to and including 2025-03-05, and leaves publicity on 2025-03-06.
import { chinaEpochDay, civilOfEpochDay, daysInMonth, epochDayOf, isoOfEpochDay } from '../../platform/workCalendar.ts';

const DATE_RE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:$|[T\s])/;

/** Epoch day of 'YYYY-MM-DD' (also 'YYYY/M/D', 'YYYY.MM.DD', '2024年3月5日', with a time suffix), or NaN. */
export function parseDay(s: string | null | undefined): number {
  if (!s) return NaN;
  const m = DATE_RE.exec(s.trim());
  if (!m) return NaN;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  return epochDayOf(y, mo, d);
}

/** Epoch day of the evaluation instant: a Date (read in Beijing time) or a date string. */
export function dayOfAt(at: Date | string): number {
  if (typeof at === 'string') {
    const d = parseDay(at);
    if (Number.isNaN(d)) throw new RangeError(`无效日期：${at}`);
    return d;
  }
  if (Number.isNaN(at.getTime())) throw new RangeError('无效日期');
  return chinaEpochDay(at);
}

/** 'YYYY-MM-DD' of an epoch day. */
export const isoDay = isoOfEpochDay;

/** The day `months` calendar months after `day`, clamped to the month's end (民法典 art. 202). */
export function addMonths(day: number, months: number): number {
  const c = civilOfEpochDay(day);
  const y = Math.floor(c / 10000);
  const m = Math.floor(c / 100) % 100;
  const d = c % 100;
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return epochDayOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** "3 个月", "1 年", "18 个月" — how periods are written in explanations. */
export function formatMonths(months: number): string {
  return months > 0 && months % 12 === 0 ? `${months / 12} 年` : `${months} 个月`;
}
