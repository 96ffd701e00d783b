import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultChecklist, summarizeChecklist } from './checklist.ts';
import { defaultClassifier } from './classifier.ts';
import { cityTrend, compare } from './compare.ts';
import { classifyEvents, eventStats, parseEventsCsv } from './events.ts';
import { renderReport } from './render.ts';
import { buildReportModel, type ReportInput, type ReportModel } from './report.ts';
import { scorecards } from './scorecards.ts';
import { parseScores } from './scores.ts';
import { docxText, pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { SCORES_36, expectedComparison } from '../../../test/fixtures/monitoring/expectations.ts';

const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
const want = expectedComparison(SCORES_36, 'gen1.json', '西宁市');
const events = classifyEvents(defaultClassifier(), parseEventsCsv(readFileSync(new URL('./events-sample.csv', SCORES_36), 'utf8')));
const december = events.filter((e) => e.date.startsWith('2017-12'));
const departments = scorecards(
  {
    departments: [
      { id: 'a', name: '市市场监管局' },
      { id: 'b', name: '市税务局' },
    ],
    expectations: [
      { department: 'a', monthlyExpected: 10 },
      { department: 'b', monthlyExpected: 2 },
    ],
    records: [
      ...Array.from({ length: 4 }, () => ({ department: 'a', catalogItem: 'CF', month: '2017-12', workingDaysToReport: 12, firstPassAccepted: true })),
      ...Array.from({ length: 2 }, () => ({ department: 'b', catalogItem: 'XK', month: '2017-12', workingDaysToReport: 1, firstPassAccepted: true })),
    ],
  },
  { month: '2017-12' },
);

function fullInput(over: Partial<ReportInput> = {}): ReportInput {
  return {
    tree: table.tree,
    city: '西宁市',
    month: want.month,
    compare: compare(table, '西宁市'),
    trend: cityTrend(table, '西宁市'),
    events: { stats: eventStats(december), samples: december },
    checklist: summarizeChecklist(defaultChecklist()),
    departments,
    date: '2018-01-10',
    ...over,
  };
}

const sorted = (xs: string[]) => [...xs].sort();
const namesAfter = (text: string, label: string) => sorted([...(new RegExp(`${label}：((?:「[^」]+」)+)`).exec(text)?.[1] ?? '').matchAll(/「([^」]+)」/g)].map((m) => m[1]));
const allText = (m: ReportModel) => m.sections.flatMap((s) => [s.heading, ...s.paragraphs, ...(s.items ?? []), ...(s.table?.rows.flat() ?? [])]).join('\n');

function assertNamesRelations(text: string, format: string) {
  assert.deepEqual(namesAfter(text, '低于平均'), sorted(want.below), `${format}: below`);
  assert.deepEqual(namesAfter(text, '与平均持平'), sorted(want.equal), `${format}: equal`);
  assert.deepEqual(namesAfter(text, '高于平均'), sorted(want.above), `${format}: above`);
}

test('the briefing names exactly the below-, equal- and above-average indicators of the raw file', () => {
  const model = buildReportModel(fullInput());
  assert.equal(model.hasData, true);
  for (const r of ['below', 'equal', 'above'] as const) assert.deepEqual(sorted(model.relations[r]), sorted(want[r]));
  assertNamesRelations(allText(model), 'model');
  const text = allText(model);
  assert.match(text, new RegExp(`排名第 ${want.rank} 位`));
  // Each below-average indicator gets its own paragraph with the independently computed gap.
  const below = model.sections[1].paragraphs;
  for (const name of want.below) {
    const code = [...want.byCode].find(([c]) => table.tree.nodes.find((n) => n.code === c)!.name === name)![0];
    const w = want.byCode.get(code)!;
    const para = below.find((p) => p.includes(`）${name}：`));
    assert.ok(para, name);
    assert.ok(para.includes(`差距 ${Math.abs(w.score - w.average).toFixed(2)} 分`), para);
  }
  assert.equal(below.length, want.below.length);
  // Every section body comes from templates and data: nothing undefined or non-finite leaks through.
  assert.doesNotMatch(text, /NaN|Infinity|undefined|null/);
});

test('causes and recommendations are drawn from the optional inputs', () => {
  const model = buildReportModel(fullInput());
  const text = allText(model);
  assert.match(text, /不良事件主要集中在商务诚信·流通/);
  assert.match(text, /空白项主要在商务诚信（\d+ 项）/);
  assert.match(text, /按时上报率低于 90% 的部门有 1 个：市市场监管局（0%）/);
  const recs = model.sections.find((s) => s.heading.endsWith('工作建议'))!.paragraphs;
  const firstLevelBelow = compare(table, '西宁市').indicators.filter((i) => i.parent === null && i.relation === 'below');
  for (const i of firstLevelBelow) assert.ok(recs.some((r) => r.includes(`「${i.name}」`)), i.name);
  assert.ok(recs.some((r) => /督促市市场监管局提高报送量和及时性/.test(r)));
  // Without optional inputs the analysis says there is nothing to analyse, instead of inventing causes.
  const bare = allText(buildReportModel(fullInput({ events: undefined, checklist: undefined, departments: undefined })));
  assert.match(bare, /暂无可用于分析该指标失分原因的本地数据/);
});

test('local estimates get a column beside the official scores', () => {
  const c = compare(table, '西宁市', { estimates: { institutionCounts: { national: 21, municipal: 3, blank: 47 } } });
  const t = buildReportModel(fullInput({ compare: c })).sections[0].table!;
  assert.equal(t.head.at(-1), '本地测算');
  assert.equal(t.rows.find((r) => r[0] === '信用制度完善程度')!.at(-1), '信用制度 已落实 21，已出台 3，空白 47');
  assert.equal(t.rows.find((r) => r[0] === '信用事件监测')!.at(-1), '—');
  assert.notEqual(buildReportModel(fullInput()).sections[0].table!.head.at(-1), '本地测算');
});

test('an empty period says there is no data instead of dividing by zero', async () => {
  const model = buildReportModel(fullInput({ month: '2018-01', compare: null, trend: [], events: { stats: eventStats([]) }, departments: [] }));
  assert.equal(model.hasData, false);
  const html = await renderReport(model, 'html');
  assert.match(html, /2018年1月没有西宁市的城市信用监测数据/);
  assert.match(html, /本期未监测到信用事件/);
  assert.match(html, /本期无部门报送数据/);
  assert.doesNotMatch(html, /NaN|Infinity|undefined/);
});

test('HTML escapes event text and every other piece of data', async () => {
  const html = await renderReport(buildReportModel(fullInput({ city: '西宁市<b>' })), 'html');
  assert.ok(!html.includes('<script>alert'), 'script tag from an event title is not live');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('西宁晚报 &amp; 新闻网'));
  assert.ok(!html.includes('西宁市<b>'));
  assert.ok(html.includes('西宁市&lt;b&gt;'));
  assertNamesRelations(html.replace(/<[^>]+>/g, '\n'), 'html');
});

test('DOCX and PDF carry the same content', async () => {
  const model = buildReportModel(fullInput());
  const docx = await renderReport(model, 'docx');
  assert.equal(docx.subarray(0, 2).toString(), 'PK');
  const dt = docxText(docx);
  assertNamesRelations(dt, 'docx');
  assert.ok(dt.includes('<script>alert("x")</script>'), 'docx keeps the literal text (Word does not execute it)');

  const pdf = await renderReport(model, 'pdf');
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.toString('latin1'), /NotoSansSC/);
  const pt = pdfText(pdf);
  assertNamesRelations(pt, 'pdf');
  assert.ok(pt.includes(model.title));
});

test('the department analysis names departments with uncorrected or slowly corrected rejections, and the recommendations ask for corrections', () => {
  const cards = scorecards(
    {
      departments: [
        { id: 'a', name: '市市场监管局' },
        { id: 'b', name: '市税务局' },
        { id: 'c', name: '市交通运输局' },
      ],
      expectations: [],
      records: [
        ...Array.from({ length: 9 }, () => ({ department: 'a', catalogItem: 'CF', month: '2017-12', workingDaysToReport: 1, firstPassAccepted: true })),
        { department: 'a', catalogItem: 'CF', month: '2017-12', workingDaysToReport: null, firstPassAccepted: false, correctionDays: null },
        ...Array.from({ length: 9 }, () => ({ department: 'b', catalogItem: 'XK', month: '2017-12', workingDaysToReport: 1, firstPassAccepted: true })),
        { department: 'b', catalogItem: 'XK', month: '2017-12', workingDaysToReport: null, firstPassAccepted: false, correctionDays: 12 },
        ...Array.from({ length: 10 }, () => ({ department: 'c', catalogItem: 'XK', month: '2017-12', workingDaysToReport: 1, firstPassAccepted: true })),
      ],
    },
    { month: '2017-12' },
  );
  const text = allText(buildReportModel(fullInput({ departments: cards })));
  assert.match(text, /退回数据尚未更正的部门有 1 个：市市场监管局（1 条）/);
  assert.match(text, /平均更正用时超过 5 个工作日的部门有 1 个：市税务局（12 个工作日）/);
  assert.match(text, /督促市市场监管局、市税务局在 5 个工作日内更正退回的问题数据并重新报送/);
  assert.doesNotMatch(text, /市交通运输局（/);
  // Nothing to correct: the sentence says all four measures are met.
  const fine = scorecards({ departments: [{ id: 'c', name: '市交通运输局' }], expectations: [], records: Array.from({ length: 3 }, () => ({ department: 'c', catalogItem: 'XK', month: '2017-12', workingDaysToReport: 1, firstPassAccepted: true })) }, { month: '2017-12' });
  assert.match(allText(buildReportModel(fullInput({ departments: fine }))), /1 个部门的报送量、及时性、一次通过率和退回数据更正均达到考核要求/);
});
