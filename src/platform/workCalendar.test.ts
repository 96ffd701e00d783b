import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import chineseDays from 'chinese-days';
import { createWorkCalendar, epochDayOf, isoOfEpochDay, libraryYears, parseIsoDay } from './workCalendar.ts';

const cal = createWorkCalendar();

test('library years are 2004–2026 and are reported as covered', () => {
  const years = libraryYears();
  assert.equal(years[0], 2004);
  assert.equal(years.at(-1), 2026);
  assert.deepEqual(cal.coveredYears(), years);
  assert.equal(cal.yearCoverage(2025), 'library');
  assert.equal(cal.yearCoverage(2027), 'none');
});

test('holidays and 调休 working weekends come from the library', () => {
  assert.equal(cal.isWorkday('2024-10-01').workday, false); // 国庆
  assert.equal(cal.isWorkday('2024-09-29').workday, true); // Sunday, 调休上班
  assert.equal(cal.isWorkday('2024-10-12').workday, true); // Saturday, 调休上班
  assert.equal(cal.isWorkday('2024-10-08').workday, true);
  assert.equal(cal.isWorkday('2024-10-05').provisional, false);
  assert.equal(cal.isWorkday('2024-10-05').source, 'library');
});

test('working days count after the start day up to and including the end day', () => {
  assert.deepEqual(cal.workingDaysBetween('2024-09-30', '2024-10-08'), { days: 1, provisional: false });
  assert.equal(cal.workingDaysBetween('2024-01-08', '2024-01-08').days, 0);
  assert.equal(cal.workingDaysBetween('2024-01-08', '2024-01-09').days, 1); // Mon → Tue
  assert.equal(cal.workingDaysBetween('2024-01-05', '2024-01-08').days, 1); // Fri → Mon
  assert.equal(cal.workingDaysBetween('2024-01-09', '2024-01-08').days, -1);
  assert.equal(cal.workingDaysBetween('2024-01-01', '2025-01-01').days, 251); // 2024 had 251 working days after New Year
});

test('a JS Date is read as a day in China Standard Time', () => {
  // 17:00 UTC on 30 September is already 1 October (国庆) in Beijing.
  assert.equal(cal.isWorkday(new Date('2024-09-30T17:00:00Z')).date, '2024-10-01');
  assert.equal(cal.isWorkday(new Date('2024-09-30T15:00:00Z')).date, '2024-09-30');
});

test('agrees with chinese-days isWorkday on every day it covers (random ranges)', () => {
  const lo = epochDayOf(2004, 1, 1);
  const hi = epochDayOf(2026, 12, 31);
  fc.assert(
    fc.property(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 120 }), (from, len) => {
      const to = Math.min(from + len, hi);
      let naive = 0;
      for (let d = from + 1; d <= to; d++) if (chineseDays.isWorkday(isoOfEpochDay(d))) naive++;
      assert.equal(cal.countWorkingDays(from, to), naive);
      assert.equal(cal.isProvisionalBetween(from, to), false);
    }),
    { numRuns: 300 },
  );
});

test('a year without data counts weekends only and says so', () => {
  const info = cal.isWorkday('2027-01-01'); // a Friday; 元旦 in reality
  assert.equal(info.workday, true);
  assert.equal(info.provisional, true);
  assert.equal(info.source, 'weekday-rule');
  assert.equal(cal.isWorkday('2027-01-02').workday, false); // Saturday
  assert.deepEqual(cal.workingDaysBetween('2026-12-30', '2027-01-04'), { days: 3, provisional: true });
  // The start day itself is not counted, so a range that ends in 2026 stays firm.
  assert.equal(cal.workingDaysBetween('2026-12-01', '2026-12-31').provisional, false);
  assert.deepEqual(cal.uncoveredYears('2025-06-01', '2028-01-01'), [2027, 2028]);
});

test('overrides correct the library and cover a new year', () => {
  const c = createWorkCalendar([
    { date: '2027-01-01', kind: 'holiday', name: '元旦' },
    { date: '2024-10-08', kind: 'holiday' },
  ]);
  assert.deepEqual(c.isWorkday('2027-01-01'), { date: '2027-01-01', workday: false, provisional: false, source: 'override' });
  assert.equal(c.yearCoverage(2027), 'override');
  assert.equal(c.yearCoverage(2024), 'library+override');
  assert.equal(c.isWorkday('2024-10-08').workday, false);
  assert.deepEqual(c.workingDaysBetween('2026-12-30', '2027-01-04'), { days: 2, provisional: false });
});

test('bad override tables are refused', () => {
  assert.throws(() => createWorkCalendar([{ date: '2027-02-30', kind: 'holiday' }]), RangeError);
  assert.throws(
    () =>
      createWorkCalendar([
        { date: '2027-02-01', kind: 'holiday' },
        { date: '2027-02-01', kind: 'workday' },
      ]),
    /冲突/,
  );
});

test('addWorkingDays is the inverse of workingDaysBetween', () => {
  assert.deepEqual(cal.addWorkingDays('2024-09-30', 1), { date: '2024-10-08', provisional: false });
  assert.deepEqual(cal.addWorkingDays('2024-10-08', -1), { date: '2024-09-30', provisional: false });
  assert.equal(cal.addWorkingDays('2024-10-03', 0).date, '2024-10-03');
  assert.equal(cal.addWorkingDays('2026-12-28', 7).provisional, true);
  const lo = epochDayOf(2004, 1, 1);
  fc.assert(
    fc.property(fc.integer({ min: lo, max: epochDayOf(2026, 6, 1) }), fc.integer({ min: 1, max: 60 }), (d, n) => {
      const iso = isoOfEpochDay(d);
      const end = cal.addWorkingDays(iso, n);
      assert.equal(cal.workingDaysBetween(iso, end.date).days, n);
      assert.equal(cal.isWorkday(end.date).workday, true);
      // Walking back lands on the start when it is a working day, else on the last one before it.
      const back = cal.addWorkingDays(end.date, -n).date;
      if (cal.isWorkday(iso).workday) assert.equal(back, iso);
      else assert.ok(back < iso && cal.workingDaysBetween(back, iso).days === 0);
    }),
    { numRuns: 200 },
  );
});

test('epoch-day arithmetic agrees with Date for every day from 1900 to 2200', () => {
  fc.assert(
    fc.property(fc.integer({ min: epochDayOf(1900, 1, 1), max: epochDayOf(2200, 12, 31) }), (day) => {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      assert.equal(isoOfEpochDay(day), iso);
      assert.equal(epochDayOf(+iso.slice(0, 4), +iso.slice(5, 7), +iso.slice(8, 10)), day);
    }),
    { numRuns: 2000 },
  );
});

test('date helpers reject impossible dates', () => {
  assert.ok(Number.isNaN(parseIsoDay('2023-02-29')));
  assert.equal(isoOfEpochDay(parseIsoDay('2024-02-29')), '2024-02-29');
  assert.throws(() => cal.isWorkday('2024/01/01'), RangeError);
});
