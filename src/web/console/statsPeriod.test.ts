// The statistics pages' default period, table-driven: China's date decides the year and the day, not UTC's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chinaDay, defaultStatsRange } from './statsPeriod';

test('the default period runs from 1 January to today in China time', () => {
  const cases: [now: string, want: [string, string]][] = [
    ['2026-12-07T03:00:00Z', ['2026-01-01', '2026-12-07']],
    ['2026-12-31T16:30:00Z', ['2027-01-01', '2027-01-01']], // already New Year's Day in Beijing
    ['2026-06-30T15:59:59Z', ['2026-01-01', '2026-06-30']],
    ['2026-06-30T16:00:00Z', ['2026-01-01', '2026-07-01']],
  ];
  for (const [now, want] of cases) assert.deepEqual(defaultStatsRange(new Date(now)), want, now);
  assert.equal(chinaDay(new Date('2026-02-28T20:00:00Z')), '2026-03-01');
});
