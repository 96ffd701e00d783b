// Small helpers of the assessment domain: rounding, and months in China time (UTC+8, no daylight saving),
// the time zone in which a batch belongs to a month.
import { AppError } from '../../platform/errors.ts';

/** Rounds to `digits` decimals; float noise (0.1+0.2) never changes a shown share or score. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * f) / f;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The current month in China, YYYY-MM. */
export function currentMonth(now = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** A YYYY-MM month, or a 400 `invalid_period`. */
export function checkMonth(month: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new AppError('invalid_period', `月份「${month}」格式错误，应为 YYYY-MM`, 400);
  return month;
}

/** [start, end) of a month as instants, the boundaries taken in China time. */
export function monthInstants(month: string): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { start: new Date(`${month}-01T00:00:00+08:00`), end: new Date(`${next}-01T00:00:00+08:00`) };
}
