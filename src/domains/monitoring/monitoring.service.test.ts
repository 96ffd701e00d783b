// Pure helpers of the monitoring HTTP layer: periods, months in China time, download headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentDisposition } from './monitoring.http.ts';
import { currentMonth, periodBounds } from './period.ts';

test('periodBounds: days and whole months, exclusive upper bound, bad input refused', () => {
  assert.deepEqual(periodBounds(), { from: null, before: null });
  assert.deepEqual(periodBounds('2017-12', '2017-12'), { from: '2017-12-01', before: '2018-01-01' });
  assert.deepEqual(periodBounds('2016-02-29', '2016-02'), { from: '2016-02-29', before: '2016-03-01' });
  assert.deepEqual(periodBounds(undefined, '2017-12-31'), { from: null, before: '2018-01-01' });
  for (const [from, to] of [
    ['2017-02-30', undefined],
    [undefined, '2017-13'],
    ['2018-01-01', '2017-12-31'],
  ]) {
    assert.throws(() => periodBounds(from, to), (e: unknown) => (e as { code?: string }).code === 'invalid_period', `${from} ${to}`);
  }
});

test('currentMonth is the month in China (UTC+8)', () => {
  assert.equal(currentMonth(new Date('2026-11-30T16:00:00Z')), '2026-12');
  assert.equal(currentMonth(new Date('2026-11-30T15:59:59Z')), '2026-11');
});

test('contentDisposition: ASCII fallback plus the RFC 5987 UTF-8 name', () => {
  assert.equal(
    contentDisposition("通报（2017年12月）'x'.pdf", 'report.pdf'),
    "attachment; filename=\"report.pdf\"; filename*=UTF-8''%E9%80%9A%E6%8A%A5%EF%BC%882017%E5%B9%B412%E6%9C%88%EF%BC%89%27x%27.pdf",
  );
});
