// Periods of the monitoring services in China time (UTC+8, no daylight saving): the current month,
// month boundaries as instants, and the from/to filters of the event and statistics endpoints.
import { AppError } from '../../platform/errors.ts';

/** China is UTC+8 all year. */
export const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The current month in China (UTC+8, no daylight saving), YYYY-MM. */
export function currentMonth(now = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The month after a YYYY-MM month. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** [start, end) of a month as instants, the boundaries taken in China time. */
export function monthInstants(month: string): { start: Date; end: Date } {
  return { start: new Date(`${month}-01T00:00:00+08:00`), end: new Date(`${nextMonth(month)}-01T00:00:00+08:00`) };
}

/** A YYYY-MM-DD string that names a day of the calendar (2019-02-30 does not). */
export function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The 400 answer to a malformed or inverted period. */
export function badPeriod(message: string): AppError {
  return new AppError('invalid_period', message, 400);
}

/** Period bounds from `from`/`to` given as YYYY-MM-DD or YYYY-MM (a whole month); `before` is exclusive. */
export function periodBounds(from?: string, to?: string): { from: string | null; before: string | null } {
  const lo = from ? (from.length === 7 ? `${from}-01` : from) : null;
  if (lo && !isRealDate(lo)) throw badPeriod(`开始日期「${from}」不是有效日期`);
  if (to && !isRealDate(to.length === 7 ? `${to}-01` : to)) throw badPeriod(`结束日期「${to}」不是有效日期`);
  const before = to ? (to.length === 7 ? nextMonth(to) + '-01' : nextDay(to)) : null;
  if (lo && before && lo >= before) throw badPeriod(`开始日期 ${from} 晚于结束日期 ${to}`);
  return { from: lo, before };
}

/** A YYYY-MM month, or a 400 `invalid_period`. */
export function checkMonth(month: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badPeriod(`月份「${month}」格式错误，应为 YYYY-MM`);
  return month;
}
