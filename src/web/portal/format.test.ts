// Record cards speak plainly (issue 17 §5): the engine's explanation becomes 公示至 a date, how serious, and when
// repair opens — never the rule-set label ("2026 年规则"). Table-driven over the explanation shapes decide.ts writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainPublicity } from './format';

const CASES: Array<{ name: string; explanation: string; until: string | null; expected: string }> = [
  {
    name: 'public, repair opens later',
    explanation: '公示至 2027-05-01：一般失信，2026 年规则，最长 1 年；2027-02-01 起可申请信用修复',
    until: '2027-05-01',
    expected: '公示至 2027-05-01（一般失信行为，最长公示 1 年）；2027-02-01起可申请信用修复',
  },
  {
    name: 'public, repair open now',
    explanation: '公示至 2029-03-10：严重失信，2023 年规则，最长 3 年；可申请信用修复',
    until: '2029-03-10',
    expected: '公示至 2029-03-10（严重失信行为，最长公示 3 年）；现在可以申请信用修复',
  },
  {
    name: 'public, no severity words',
    explanation: '公示至 2027-01-31',
    until: '2027-01-31',
    expected: '公示至 2027-01-31',
  },
  { name: 'no end date and nothing to say', explanation: '', until: null, expected: '' },
];

for (const c of CASES) {
  test(`plainPublicity: ${c.name}`, () => {
    const out = plainPublicity(c.explanation, c.until);
    assert.equal(out, c.expected);
    assert.ok(!/\d{4}\s*年规则/u.test(out), 'no rule-set label');
  });
}
