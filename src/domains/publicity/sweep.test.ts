import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, isoDay, parseDay } from './dates.ts';
import { decidePublicity, nextChangeDate, sweep, type SweepRecord } from './decide.ts';
import { DEFAULT_RULE_SETS } from './rules.ts';
import { DEFAULT_SETTINGS, resolveSettings } from './settings.ts';
import type { PublicityInput, PublicitySettings } from './publicity.schemas.ts';

const pen = (over: Partial<PublicityInput>): PublicityInput => ({
  recordType: 'penalty',
  decisionDate: '2026-05-10',
  categories: ['03'],
  fineAmount: 0.5,
  withdrawn: false,
  subjectIsMinor: false,
  ...over,
});
const rec = (recordType: PublicityInput['recordType'], over: Partial<PublicityInput> = {}): PublicityInput => ({
  recordType,
  decisionDate: '2026-06-01',
  categories: [],
  withdrawn: false,
  subjectIsMinor: false,
  ...over,
});

test('nextChangeDate: the day publicity starts, ends, or may change', () => {
  const next = (input: PublicityInput, at: string, s?: PublicitySettings) => nextChangeDate(decidePublicity(input, at, undefined, s));
  assert.equal(next(pen({}), '2026-06-01'), '2027-05-11', 'the day after the maximum');
  assert.equal(next(pen({ decisionDate: '2026-07-01' }), '2026-06-01'), '2026-07-01', 'not yet public → its first day');
  assert.equal(next(pen({ decisionDate: '2020-08-01' }), '2026-06-01'), null, 'expired stays expired');
  assert.equal(next(pen({ categories: ['01'], fineAmount: null }), '2026-06-01'), null, '轻微 under 2026 is never published');
  assert.equal(next(pen({ withdrawn: true }), '2026-06-01'), null);
  assert.equal(next(pen({ subjectIsMinor: true, repairedAt: '2026-09-01' }), '2026-06-01'), null);
  assert.equal(next(pen({ repairedAt: '2026-09-01' }), '2026-06-01'), '2026-09-01', 'a pending repair');
  assert.equal(next(pen({ repairedAt: '2026-09-01' }), '2026-10-01'), null);
  const lenient = resolveSettings({ appliesToExisting: { '2026': 'if_lenient' } });
  assert.equal(next(pen({ decisionDate: '2025-01-10' }), '2026-03-01', lenient), '2026-04-01', 'a regime that may take over');
  assert.equal(next(pen({ decisionDate: '2025-01-10' }), '2026-03-01'), '2028-01-11', 'no takeover by default');
  assert.equal(next(rec('permit', { validUntil: '2099-12-31' }), '2026-06-01'), null);
  assert.equal(next(rec('permit', { validUntil: '2030-01-01' }), '2026-06-01'), '2030-01-02');
  assert.equal(next(rec('red_list', { removedAt: '2026-10-01' }), '2026-07-01'), '2026-10-01');
  assert.equal(next(rec('black_list'), '2026-07-01'), null);
});

test('sweep returns the published records that must leave now, and is idempotent', () => {
  const records: SweepRecord[] = [
    { id: 'live', input: pen({}), isPublic: true },
    { id: 'expired', input: pen({ decisionDate: '2020-08-01' }), isPublic: true },
    { id: 'withdrawn', input: pen({ withdrawn: true }), isPublic: true },
    { id: 'repaired', input: pen({ repairedAt: '2026-05-30' }), isPublic: true },
    { id: 'minor', input: pen({ subjectIsMinor: true }), isPublic: true },
    { id: 'warning-2026', input: pen({ categories: ['01'], fineAmount: null }), isPublic: true },
    { id: 'removed', input: rec('red_list', { decisionDate: '2025-01-01', removedAt: '2026-05-01' }), isPublic: true },
    { id: 'already-off', input: pen({ decisionDate: '2020-08-01' }), isPublic: false },
    { id: 'permit', input: rec('permit', { decisionDate: '2025-01-01', validUntil: '2030-01-01' }), isPublic: true },
  ];
  const out = sweep(records, '2026-06-01');
  assert.deepEqual(
    out.map((o) => [o.id, o.decision.reasons[0], o.decision.audience]),
    [
      ['expired', 'expired', 'government'],
      ['withdrawn', 'withdrawn', 'none'],
      ['repaired', 'repaired', 'none'],
      ['minor', 'minor_subject', 'none'],
      ['warning-2026', 'minor_offence_not_published', 'government'],
      ['removed', 'removed_from_list', 'government'],
    ],
  );
  const leaving = new Set(out.map((o) => o.id));
  const after = records.map((r) => ({ ...r, isPublic: r.isPublic && !leaving.has(r.id) }));
  assert.deepEqual(sweep(after, '2026-06-01'), []);
  // Generic ids work too (e.g. bigint database keys).
  assert.deepEqual(
    sweep([{ id: 7n, input: pen({ withdrawn: true }), isPublic: true }], '2026-06-01').map((o) => o.id),
    [7n],
  );
});

/**
 * Walks every day of a horizon and checks that nextChangeDate never misses a change of
 * (public, audience): on each day, the next change of status is on or after nextChangeDate,
 * and no later than the first day the status actually changes.
 */
function checkSchedule(input: PublicityInput, fromIso: string, toIso: string, settings: PublicitySettings): void {
  const from = parseDay(fromIso);
  const to = parseDay(toIso);
  const status: string[] = [];
  const nexts: (number | null)[] = [];
  for (let d = from; d <= to; d++) {
    const dec = decidePublicity(input, isoDay(d), DEFAULT_RULE_SETS, settings);
    status.push(`${dec.public}/${dec.audience}`);
    const n = nextChangeDate(dec);
    nexts.push(n === null ? null : parseDay(n));
  }
  let firstChangeAfter: number | null = null;
  for (let i = status.length - 1; i >= 0; i--) {
    const d = from + i;
    const n = nexts[i];
    const label = `${JSON.stringify(input)} at ${isoDay(d)}`;
    if (n !== null) assert.ok(n > d, `${label}: next change ${isoDay(n)} is not in the future`);
    if (firstChangeAfter !== null) {
      assert.ok(n !== null && n <= firstChangeAfter, `${label}: status changes on ${isoDay(firstChangeAfter)} but nextChangeDate says ${n === null ? 'never' : isoDay(n)}`);
    }
    if (i > 0 && status[i] !== status[i - 1]) firstChangeAfter = d;
  }
}

test('nextChangeDate never misses a change, day by day across the regime changes', () => {
  const inputs: PublicityInput[] = [
    pen({ decisionDate: '2019-05-20' }),
    pen({ decisionDate: '2022-06-30' }),
    pen({ decisionDate: '2023-04-20' }),
    pen({ decisionDate: '2021-01-15', categories: ['10'], authority: '西宁市生态环境局' }),
    pen({ decisionDate: '2023-02-28', categories: ['08'], fineAmount: null }),
    pen({ decisionDate: '2025-01-10' }),
    pen({ decisionDate: '2025-11-30', categories: ['01'], fineAmount: null }),
    pen({ decisionDate: '2026-03-31', categories: ['02'], fineAmount: null }),
    pen({ decisionDate: '2026-04-01', categories: ['01'], fineAmount: null, conduct: '未按规定公示食品经营许可证' }),
    pen({ decisionDate: '2024-08-31', conduct: '电梯未经定期检验继续使用', repairedAt: '2025-03-15' }),
    pen({ decisionDate: '2025-06-15', publicityEndDate: '2025-12-31' }),
    rec('permit', { decisionDate: '2024-02-29', validUntil: '2027-02-28' }),
    rec('red_list', { decisionDate: '2024-01-01', validUntil: '2026-12-31', removedAt: '2025-07-01' }),
    rec('black_list', { decisionDate: '2023-06-01', validUntil: '2026-05-31', repairedAt: '2025-02-01' }),
    rec('other', { decisionDate: '2023-06-01' }),
  ];
  const settingsList = [
    DEFAULT_SETTINGS,
    resolveSettings({ appliesToExisting: { '2023': 'yes', '2026': 'if_lenient' }, departmentEndDate: 'if_shorter' }),
    resolveSettings({
      appliesToExisting: { '2023': 'if_lenient', '2026': 'yes' },
      periodOverrides: [{ regimes: ['2026'], sectors: ['食品药品'], severities: ['轻微'], publish: true, basis: '示例' }],
      expiredAudience: 'none',
    }),
  ];
  for (const s of settingsList) {
    for (const input of inputs) {
      const start = isoDay(parseDay(input.decisionDate) - 3);
      checkSchedule(input, start, isoDay(addMonths(parseDay(input.decisionDate), 40)), s);
    }
  }
});
