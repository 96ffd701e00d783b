import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { generatePenaltyRows, matchHeaders, PENALTY_HEADERS, validateRow, type ValidationContext } from '../ingest/index.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';
import { addMonths, isoDay, parseDay } from './dates.ts';
import { decidePublicity, sweep } from './decide.ts';
import { isMinorOn, listInputFromValues, penaltyInputFromValues, permitInputFromValues } from './input.ts';
import type { PublicityInput } from './publicity.schemas.ts';

test('isMinorOn reads the birth date of 18- and 15-digit ID numbers', () => {
  // Born 2009-06-15: 18 on 2027-06-15.
  assert.equal(isMinorOn('630102200906150013', '2027-06-14'), true);
  assert.equal(isMinorOn('630102200906150013', '2027-06-15'), false);
  assert.equal(isMinorOn('630102090615001', '2026-01-01'), false, '15-digit numbers are 19xx births');
  // Born 2008-02-29: the 18th birthday falls on 2026-02-28 (no 29th).
  assert.equal(isMinorOn('63010220080229001X', '2026-02-27'), true);
  assert.equal(isMinorOn('63010220080229001x', '2026-02-28'), false);
  assert.equal(isMinorOn('E12345678', '2026-01-01'), null);
  assert.equal(isMinorOn(null, '2026-01-01'), null);
  assert.equal(isMinorOn('630102200913450013', '2026-01-01'), null, 'impossible birth date');
});

test('penalty, permit and list values map onto the engine input', () => {
  const p = penaltyInputFromValues({
    CF_JDRQ: '2026-05-10',
    CF_CFLB: '01;03',
    CF_NR_FK: 0.2,
    CF_NR_WFFF: null,
    CF_CFJG: '西宁市市场监督管理局',
    CF_WFXW: '经营超过保质期的食品',
    CF_NR: '警告，罚款人民币2000元',
    CF_GSJZQ: '2027-05-10',
    CF_XDR_LB: '2',
    CF_XDR_ZJLX: '01',
    CF_XDR_ZJHM: '630102200906150013',
    CF_ZT: '1',
  });
  assert.deepEqual(p, {
    recordType: 'penalty',
    decisionDate: '2026-05-10',
    categories: ['01', '03'],
    fineAmount: 0.2,
    confiscatedAmount: null,
    authority: '西宁市市场监督管理局',
    conduct: '经营超过保质期的食品',
    content: '警告，罚款人民币2000元',
    basis: null,
    withdrawn: false,
    subjectIsMinor: true,
    publicityEndDate: '2027-05-10',
  });
  assert.equal(decidePublicity(p, '2026-06-01').explanation, '不予公示：当事人为未成年人');
  assert.equal(penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_ZT: '2', CF_XDR_LB: '1' }).withdrawn, true);
  assert.equal(penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03' }, { repairedAt: '2026-09-01' }).repairedAt, '2026-09-01');

  const k = permitInputFromValues({ XK_JDRQ: '2026-01-05', XK_YXQZI: '2031-01-04', XK_ZT: '1', XK_XKJG: '西宁市行政审批服务局', XK_XDR_LB: '1' });
  assert.deepEqual(
    [k.recordType, k.decisionDate, k.validUntil, k.withdrawn, k.subjectIsMinor],
    ['permit', '2026-01-05', '2031-01-04', false, false],
  );
  assert.equal(permitInputFromValues({ XK_JDRQ: '2026-01-05', XK_ZT: '2' }).withdrawn, true);

  const removed = listInputFromValues('black_list', { BL_LRRQ: '2024-03-01', BL_ZT: '2', BL_YCRQ: '2025-03-01', BL_YXQZ: '2027-03-01', BL_ZTLB: '1' });
  assert.deepEqual([removed.recordType, removed.removedAt, removed.repairedAt, removed.validUntil], ['black_list', '2025-03-01', null, '2027-03-01']);
  const repaired = listInputFromValues('black_list', { BL_LRRQ: '2024-03-01', BL_ZT: '3', BL_YCRQ: '2025-03-01' });
  assert.deepEqual([repaired.removedAt, repaired.repairedAt], [null, '2025-03-01']);
  assert.equal(decidePublicity(repaired, '2025-04-01').audience, 'none');
  const red = listInputFromValues('red_list', { RL_RDRQ: '2025-06-01', RL_ZT: '1', RL_YXQZ: '2026-05-31' });
  assert.equal(decidePublicity(red, '2026-01-01').explanation, '公示至 2026-05-31：守信激励名单，有效期至 2026-05-31');
});

test('generated 行政处罚 rows from 2019 to 2026 go through validation and the engine', () => {
  const mapping = matchHeaders(SGS_CF_V2, PENALTY_HEADERS);
  const ctx: ValidationContext = { today: new Date('2026-11-28T04:00:00Z'), calendar: createWorkCalendar(), reportDate: new Date('2026-11-28T04:00:00Z') };
  const at = '2026-11-28';
  const inputs: PublicityInput[] = [];
  for (const row of generatePenaltyRows(3000, 58, { from: '2019-07-01', to: '2026-10-31' })) {
    const r = validateRow(SGS_CF_V2, mapping, row.cells, ctx);
    assert.ok(r.ok, JSON.stringify(r.errors));
    inputs.push(penaltyInputFromValues(r.values));
  }
  const decisions = inputs.map((i) => decidePublicity(i, at));
  const count = (f: (i: number) => boolean) => inputs.reduce((n, _, i) => n + (f(i) ? 1 : 0), 0);
  const only = (i: number, codes: string[]) => inputs[i].categories.every((c) => codes.includes(c));

  // Every row is decided under the regime of its decision date (no takeover by default).
  for (const [i, d] of decisions.entries()) {
    const day = inputs[i].decisionDate;
    assert.equal(d.regime, day < '2023-05-01' ? '2019' : day < '2026-04-01' ? '2023' : '2026', day);
    assert.ok(d.explanation.length > 0);
    if (!d.public) assert.ok(d.reasons.length > 0);
  }
  // 警告 / 通报批评 alone after 2026-04-01: never published.
  const minor2026 = count((i) => inputs[i].decisionDate >= '2026-04-01' && only(i, ['01', '02']));
  assert.ok(minor2026 > 20, `${minor2026} minor rows`);
  assert.equal(count((i) => inputs[i].decisionDate >= '2026-04-01' && only(i, ['01', '02']) && decisions[i].public), 0);
  // 吊销 of a food permit by 市场监管 for a food conduct under 2019: 特定严重失信, never repairable.
  const special = count((i) => decisions[i].specificSerious);
  assert.ok(special > 0, 'some 特定严重失信 rows');
  for (const [i, d] of decisions.entries()) {
    if (!d.specificSerious) continue;
    assert.equal(d.regime, '2019');
    assert.equal(d.repairableFrom, null);
    assert.equal(d.until, isoDay(addMonths(parseDay(inputs[i].decisionDate), 36)));
  }
  // 应急管理局 rows under order 58 carry the 1-year minimum.
  const safety = decisions.filter((d) => d.regime === '2023' && d.sector === '安全生产');
  assert.ok(safety.length > 10);
  for (const d of safety) assert.equal(d.minUntil, isoDay(addMonths(parseDay(d.from!), 12)));
  // The feed's 公示截止期 (decision + 365 days) is never trusted.
  assert.ok(decisions.every((d) => !d.reasons.includes('department_end_date_applied')));

  // Sweeping "everything published" removes exactly the records the engine says are not public.
  const leaving = sweep(inputs.map((input, id) => ({ id, input, isPublic: true })), at);
  assert.deepEqual(
    leaving.map((l) => l.id),
    decisions.flatMap((d, i) => (d.public ? [] : [i])),
  );
  assert.ok(leaving.some((l) => l.decision.reasons[0] === 'expired'));
  assert.ok(decisions.some((d) => d.public));
});
