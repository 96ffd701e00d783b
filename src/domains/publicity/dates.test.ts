import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, dayOfAt, formatMonths, isoDay, parseDay } from './dates.ts';

test('parseDay accepts the date spellings departments send and rejects impossible dates', () => {
  for (const s of ['2024-03-05', '2024/03/05', '2024/3/5', '2024.03.05', '2024年3月5日', '2024-03-05T10:00:00+08:00', ' 2024-03-05 ']) {
    assert.equal(isoDay(parseDay(s)), '2024-03-05', s);
  }
  for (const s of ['', '2024-02-30', '2023-13-01', '05/03/2024', '长期', '20240305']) assert.ok(Number.isNaN(parseDay(s)), s);
  assert.ok(Number.isNaN(parseDay(null)));
});

test('addMonths ends on the corresponding day, or the month end when there is none (民法典 art. 202)', () => {
  const cases: [string, number, string][] = [
    ['2024-03-05', 12, '2025-03-05'],
    ['2024-03-05', 3, '2024-06-05'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2023-11-30', 3, '2024-02-29'],
    ['2025-10-31', 36, '2028-10-31'],
    ['2024-03-05', 0, '2024-03-05'],
  ];
  for (const [from, n, want] of cases) assert.equal(isoDay(addMonths(parseDay(from), n)), want, `${from} + ${n}`);
});

test('dayOfAt reads a Date in Beijing time and a string as a calendar day', () => {
  // 2026-03-31T16:30Z is already 1 April in Beijing.
  assert.equal(isoDay(dayOfAt(new Date('2026-03-31T16:30:00Z'))), '2026-04-01');
  assert.equal(isoDay(dayOfAt('2026-04-01')), '2026-04-01');
  assert.throws(() => dayOfAt('not a date'), RangeError);
  assert.throws(() => dayOfAt(new Date(NaN)), RangeError);
});

test('formatMonths writes whole years as 年', () => {
  assert.equal(formatMonths(3), '3 个月');
  assert.equal(formatMonths(12), '1 年');
  assert.equal(formatMonths(36), '3 年');
  assert.equal(formatMonths(18), '18 个月');
  assert.equal(formatMonths(0), '0 个月');
});
