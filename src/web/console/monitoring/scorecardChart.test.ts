// The scorecard chart draws the top and bottom ten reporters; 未报送 departments are left to the table (issue 17 §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSelection } from './scorecardChart';

/** `n` reporters named r1…rn in rank order, then `missing` departments that reported nothing. */
function cards(n: number, missing = 0): Array<{ name: string; status: string }> {
  return [
    ...Array.from({ length: n }, (_, i) => ({ name: `r${i + 1}`, status: 'reported' })),
    ...Array.from({ length: missing }, (_, i) => ({ name: `m${i + 1}`, status: 'not_reported' })),
  ];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `r${from + i}`);

// [case, reporters, 未报送, each end, names drawn, omitted]
const cases: Array<[string, number, number, number | undefined, string[], number]> = [
  ['no departments', 0, 0, undefined, [], 0],
  ['only 未报送: nothing to draw', 0, 5, undefined, [], 0],
  ['a few reporters: all drawn', 3, 0, undefined, range(1, 3), 0],
  ['exactly twenty: all drawn', 20, 0, undefined, range(1, 20), 0],
  ['twenty-one: top ten and bottom ten, one left to the table', 21, 0, undefined, [...range(1, 10), ...range(12, 21)], 1],
  ['the demo city: 36 reporters and 4 未报送', 36, 4, undefined, [...range(1, 10), ...range(27, 36)], 16],
  ['未报送 are never drawn, even when all reporters fit', 12, 30, undefined, range(1, 12), 0],
  ['a smaller end', 7, 1, 2, ['r1', 'r2', 'r6', 'r7'], 3],
];

test('the chart keeps the top and bottom reporters, in rank order, and says how many it left out', () => {
  for (const [name, n, missing, eachEnd, shown, omitted] of cases) {
    const pick = chartSelection(cards(n, missing), eachEnd);
    assert.deepEqual(pick.shown.map((c) => c.name), shown, name);
    assert.equal(pick.omitted, omitted, name);
    assert.ok(pick.shown.length <= 2 * (eachEnd ?? 10), name);
  }
});
