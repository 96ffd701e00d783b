import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import { AssessmentError } from './errors.ts';
import { scorecards, scorecardsToXlsx, type SubmissionRecord } from './scorecards.ts';

// Factory with overrides for submitted records.
function rec(over: Partial<SubmissionRecord> = {}): SubmissionRecord {
  return { department: 'scjg', catalogItem: 'CF', month: '2017-12', workingDaysToReport: 3, firstPassAccepted: true, ...over };
}

const departments = [
  { id: 'scjg', name: '市市场监管局' },
  { id: 'sw', name: '市税务局' },
  { id: 'jt', name: '市交通局' },
];
const expectations = [
  { department: 'scjg', catalogItem: 'CF', monthlyExpected: 6 },
  { department: 'scjg', catalogItem: 'XK', monthlyExpected: 4 },
  { department: 'sw', monthlyExpected: 4 },
  { department: 'jt', monthlyExpected: 5 },
];
const records = [
  ...Array.from({ length: 5 }, (_, i) => rec({ workingDaysToReport: [2, 5, 7, 9, 12][i], firstPassAccepted: i !== 4, correctionDays: i === 4 ? 5 : undefined })),
  rec({ month: '2017-11' }),
  ...Array.from({ length: 4 }, () => rec({ department: 'sw', catalogItem: 'XK' })),
  rec({ department: 'sw', catalogItem: 'XK', firstPassAccepted: false, correctionDays: null }),
];

test('monthly scorecards: volume, on-time share, first-pass rate, correction turnaround, rank', () => {
  const cards = scorecards({ departments, expectations, records }, { month: '2017-12' });
  const m = cards.find((c) => c.department === 'scjg')!;
  assert.equal(m.reported, 5);
  assert.equal(m.expected, 10);
  assert.equal(m.volumeRatio, 0.5);
  assert.deepEqual(m.items, [
    { catalogItem: 'CF', reported: 5, expected: 6 },
    { catalogItem: 'XK', reported: 0, expected: 4 },
  ]);
  assert.equal(m.onTimeShare, 0.6, '2, 5 and 7 working days are on time (docs/domain/01-sgs.md §1.1)');
  assert.equal(m.firstPassRate, 0.8);
  assert.equal(m.avgCorrectionDays, 5);
  assert.equal(m.components.correction, 1);
  assert.equal(m.score, 100 * (0.4 * 0.5 + 0.3 * 0.6 + 0.2 * 0.8 + 0.1 * 1));

  const s = cards.find((c) => c.department === 'sw')!;
  assert.equal(s.volumeRatio, 1.25);
  assert.equal(s.components.volume, 1, 'over-reporting is capped');
  assert.deepEqual(s.items, [{ catalogItem: 'XK', reported: 5, expected: null }]);
  assert.equal(s.uncorrected, 1);
  assert.equal(s.components.correction, 0, 'a rejection never corrected scores zero');

  const j = cards.find((c) => c.department === 'jt')!;
  assert.equal(j.reported, 0);
  assert.equal(j.onTimeShare, null);
  assert.equal(j.score, 0, 'silence never beats reporting');
  assert.equal(j.status, 'not_reported');
  assert.deepEqual(
    cards.map((c) => [c.name, c.rank]),
    [
      ['市税务局', 1],
      ['市市场监管局', 2],
      ['市交通局', null],
    ],
    'a department that reported nothing is 未报送, not ranked',
  );
});

// Issue 17 §4: without an expected volume, a silent department used to get the volume part in full
// (40 points) and the feedback part, and ranked above departments that reported late or with errors.
test('a department that reported nothing is 未报送: no points, no rank, listed after every reporter', () => {
  const cases: { name: string; weights?: Parameters<typeof scorecards>[1]['weights']; expectations: { department: string; monthlyExpected: number }[] }[] = [
    { name: 'no expectations, default weights', expectations: [] },
    { name: 'no expectations, feedback weighted', weights: { volume: 0.3, timeliness: 0.3, firstPass: 0.1, correction: 0.1, feedback: 0.2 }, expectations: [] },
    { name: 'expectation for the silent department only', expectations: [{ department: 'jt', monthlyExpected: 3 }] },
  ];
  const late = [rec({ department: 'sw', workingDaysToReport: 30, firstPassAccepted: false, correctionDays: null })];
  for (const c of cases) {
    const cards = scorecards({ departments, expectations: c.expectations, records: late }, { month: '2017-12', weights: c.weights });
    const silent = cards.filter((x) => x.reported === 0);
    assert.deepEqual(silent.map((x) => [x.name, x.status, x.score, x.rank]).sort(), [
      ['市交通局', 'not_reported', 0, null],
      ['市市场监管局', 'not_reported', 0, null],
    ], c.name);
    assert.equal(cards[0].name, '市税务局', c.name);
    assert.equal(cards[0].rank, 1, c.name);
    assert.equal(cards[0].status, 'reported', c.name);
  }
});

test('configurable weights, feedback component and weight validation', () => {
  const weights = { volume: 0.2, timeliness: 0.2, firstPass: 0.2, correction: 0.2, feedback: 0.2 };
  const cards = scorecards({ departments, expectations, records, feedback: [{ department: 'sw', month: '2017-12', required: 4, given: 1 }] }, { month: '2017-12', weights });
  assert.equal(cards.find((c) => c.department === 'sw')!.feedbackRate, 0.25);
  assert.equal(cards.find((c) => c.department === 'scjg')!.components.feedback, 1, 'nothing owed, nothing missing');
  assert.throws(
    () => scorecards({ departments, expectations, records }, { month: '2017-12', weights: { ...weights, volume: 0.3 } }),
    (e: unknown) => e instanceof AssessmentError && e.code === 'invalid_weights' && /合计 1.1，应为 1/.test(e.message),
  );
});

test('formula injection is neutralised in the .xlsx export', async () => {
  assert.equal(neutraliseCell('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
  for (const s of ['+1', '-1', '@SUM(A1)', '\tx']) assert.equal(neutraliseCell(s)[0], "'");
  assert.equal(neutraliseCell('市税务局'), '市税务局');
  const evil = [{ id: 'x', name: '=cmd|\'/c calc\'!A1' }, { id: 'y', name: '@SUM(1+1)' }];
  // Both report, so both are ranked (a 未报送 department has '—' for its rank).
  const cards = scorecards({ departments: evil, expectations: [], records: [rec({ department: 'x' }), rec({ department: 'y' })] }, { month: '2017-12' });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await scorecardsToXlsx(cards)) as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  assert.equal(ws.getRow(1).getCell(2).value, '部门');
  const names = [ws.getRow(2).getCell(2).value, ws.getRow(3).getCell(2).value];
  assert.ok(names.every((v) => typeof v === 'string' && v.startsWith("'")), JSON.stringify(names));
  assert.equal(typeof ws.getRow(2).getCell(1).value, 'number', 'numbers stay numbers');
});

test('handling of repair and objection items within their deadlines: a table of cases', () => {
  // Every department reports one on-time, first-pass record, so every other component is 1 and the score shows
  // the handling part alone: 100 × (0.9 + 0.1 × handling).
  const weights = { volume: 0.3, timeliness: 0.2, firstPass: 0.2, correction: 0.1, feedback: 0.1, handling: 0.1 };
  const cases: { name: string; handling: { owed: number; onTime: number }[]; rate: number | null; component: number; score: number; owed: number }[] = [
    { name: 'nothing owed: null, full marks (silence is not punished where nothing was due)', handling: [], rate: null, component: 1, score: 100, owed: 0 },
    { name: 'everything decided by the deadline', handling: [{ owed: 3, onTime: 3 }], rate: 1, component: 1, score: 100, owed: 3 },
    { name: 'one of four late or still open past the deadline', handling: [{ owed: 4, onTime: 3 }], rate: 0.75, component: 0.75, score: 97.5, owed: 4 },
    { name: 'repair and objection counts add up (2 of 2 repairs, 0 of 2 objections)', handling: [{ owed: 2, onTime: 2 }, { owed: 2, onTime: 0 }], rate: 0.5, component: 0.5, score: 95, owed: 4 },
    { name: 'all overdue', handling: [{ owed: 2, onTime: 0 }], rate: 0, component: 0, score: 90, owed: 2 },
  ];
  for (const c of cases) {
    const [card] = scorecards(
      { departments: [{ id: 'd', name: '市甲局' }], expectations: [], records: [rec({ department: 'd' })], handling: c.handling.map((h) => ({ department: 'd', month: '2017-12', ...h })) },
      { month: '2017-12', weights },
    );
    assert.equal(card.handlingRate, c.rate, c.name);
    assert.equal(card.handlingOwed, c.owed, c.name);
    assert.equal(card.components.handling, c.component, c.name);
    assert.equal(card.score, c.score, c.name);
  }
  // Another department's or another month's items do not count; a department that reported nothing scores 0.
  const [other] = scorecards(
    { departments: [{ id: 'd', name: '市甲局' }], expectations: [], records: [rec({ department: 'd' })], handling: [{ department: 'e', month: '2017-12', owed: 5, onTime: 0 }, { department: 'd', month: '2017-11', owed: 5, onTime: 0 }] },
    { month: '2017-12', weights },
  );
  assert.equal(other.handlingRate, null);
  const [silent] = scorecards({ departments: [{ id: 'd', name: '市甲局' }], expectations: [], records: [], handling: [{ department: 'd', month: '2017-12', owed: 1, onTime: 1 }] }, { month: '2017-12', weights });
  assert.equal(silent.components.handling, 0);
  assert.equal(silent.score, 0);
  // Weights given without handling (written before it existed) count it as 0 and still add up to 1.
  const [old] = scorecards({ departments: [{ id: 'd', name: '市甲局' }], expectations: [], records: [rec({ department: 'd' })], handling: [{ department: 'd', month: '2017-12', owed: 2, onTime: 0 }] }, { month: '2017-12' });
  assert.equal(old.score, 100);
});
