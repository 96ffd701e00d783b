import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultChecklist, summarizeChecklist } from './checklist.ts';
import { defaultClassifier } from './classifier.ts';
import { cityTrend, compare } from './compare.ts';
import { classifyEvents, eventStats, parseEventsCsv } from './events.ts';
import { renderReport } from './render.ts';
import { buildReportModel, type ReportInput, type ReportModel } from './report.ts';
import { scorecards } from '../assessment/index.ts';
import { parseScores } from './scores.ts';
import { docxText, pdfRuns, pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
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

// ---------------------------------------------------------------- recommendations by cause (issue 16 §5)

// Two cities, 西宁市 below 兰州市 on every gen-1 indicator: every remedy branch is reachable.
const LOW = await parseScores(
  [
    'month,city,indicator,score',
    ...[
      ['西宁市', [26, 15, 14, 2, 3.5, 2, 2, 3.8, 5, 5]],
      ['兰州市', [28, 18, 18, 3, 5.5, 3, 3, 5.6, 7, 7]],
    ].flatMap(([city, v]) =>
      ['EV', 'IN', 'TR', 'PF1', 'PF2', 'PF3', 'PF4', 'PF5', 'MK1', 'MK2'].map((code, k) => `2017-12,${city},${code},${(v as number[])[k]}`),
    ),
  ].join('\n'),
  'low.csv',
);
const lowInput = (over: Partial<ReportInput> = {}): ReportInput => ({
  tree: LOW.tree,
  city: '西宁市',
  month: '2017-12',
  compare: compare(LOW, '西宁市'),
  date: '2018-01-10',
  ...over,
});
const recOf = (model: ReportModel, name: string) => model.sections.find((s) => s.heading.endsWith('工作建议'))!.paragraphs.find((p) => p.includes(`针对「${name}」`)) ?? '';
const checklist = (items: Parameters<typeof summarizeChecklist>[0]) => summarizeChecklist(items);
const ITEMS: Parameters<typeof summarizeChecklist>[0] = [
  { id: 'A', domain: '政务诚信', name: '政务诚信建设实施意见', status: 'municipal', document: { title: '关于加强政务诚信建设的实施意见', number: '宁政〔2017〕1号', date: '2017-05-01' }, online: { url: 'https://credit.example.cn/a', date: '2017-05-03' } },
  { id: 'B', domain: '商务诚信', name: '食品药品黑名单', status: 'municipal', document: { title: '食品药品安全信用信息及“黑名单”管理制度（试行）', number: '宁食药监〔2017〕8号', date: '2017-06-01' } },
  { id: 'C', domain: '商务诚信', name: '价格诚信制度', status: 'blank' },
  { id: 'D', domain: '社会诚信', name: '医疗机构信用管理', status: 'blank' },
];

test('events below average because few are published → 加强信用事件公开公布, with the published and monitored counts', () => {
  const stats = eventStats(december);
  const m = buildReportModel(lowInput({ events: { stats, published: { total: 2, good: 1, bad: 1 } } }));
  const r = recOf(m, '信用事件监测');
  assert.match(r, /加强信用事件公开公布：本期在信用网站公开信用事件 2 起（优良 1 起、不良 1 起），少于本地监测到的 \d+ 起/);
  assert.ok(r.includes(`少于本地监测到的 ${stats.total} 起`));
  // Everything monitored is published: that cause is gone; only the bad-event remedy remains.
  const all = buildReportModel(lowInput({ events: { stats, published: { total: stats.total, good: stats.good, bad: stats.bad } } }));
  assert.doesNotMatch(recOf(all, '信用事件监测'), /加强信用事件公开公布/);
  assert.match(recOf(all, '信用事件监测'), /加强.+领域的信用监管和专项治理/);
});

test('institutions below average → the blank domains and the issued-but-unpublished documents are named', () => {
  const r = recOf(buildReportModel(lowInput({ checklist: checklist(ITEMS) })), '信用制度完善程度');
  assert.match(r, /补齐空白制度 2 项，空白领域为商务诚信（1 项，如《价格诚信制度》）、社会诚信（1 项，如《医疗机构信用管理》）/);
  assert.match(r, /已出台但未在网上公开的制度 1 项（《食品药品安全信用信息及“黑名单”管理制度（试行）》）/);
  assert.doesNotMatch(r, /关于加强政务诚信建设的实施意见/, 'a published document is not named as unpublished');
  const cause = allText(buildReportModel(lowInput({ checklist: checklist(ITEMS) })));
  assert.match(cause, /已出台的 2 项中网上可查 1 项，1 项未在网上公开/);
});

test('transparency below average → 加大已出台制度的公开力度 with the online count', () => {
  const r = recOf(buildReportModel(lowInput({ checklist: checklist(ITEMS) })), '信用信息透明度');
  assert.match(r, /加大已出台制度的公开力度：已出台的 2 项制度中网上可查 1 项，1 项未公开（《食品药品安全信用信息及“黑名单”管理制度（试行）》）/);
  const published = ITEMS.map((i) => (i.status === 'blank' ? i : { ...i, online: { url: 'https://credit.example.cn/x' } }));
  assert.doesNotMatch(recOf(buildReportModel(lowInput({ checklist: checklist(published) })), '信用信息透明度'), /公开力度/);
});

test('black-list disclosure below average → 推进黑名单归集共享，形成联合惩戒机制', () => {
  const r = recOf(buildReportModel(lowInput()), '信用工作绩效');
  assert.match(r, /推进黑名单归集共享，形成联合惩戒机制：.*（本项得分 3\.80，平均 4\.70）/);
});

test('black-list share and records below average → joint punishment and repair, citing the bad events when known', () => {
  const plain = recOf(buildReportModel(lowInput()), '信用工作绩效');
  assert.match(plain, /对黑名单主体依法依规实施联合惩戒并督促整改/);
  assert.doesNotMatch(plain, /本期监测到不良信用事件/);
  const stats = eventStats(december);
  assert.ok(stats.bad > 0);
  assert.ok(recOf(buildReportModel(lowInput({ events: { stats } })), '信用工作绩效').includes(`本期监测到不良信用事件 ${stats.bad} 起`));
});

test('code conversion below average → the conversion page, with the number of conversions the portal lists', () => {
  assert.match(recOf(buildReportModel(lowInput()), '信用工作绩效'), /在信用网站开设“统一社会信用代码转换公示”栏目/);
  assert.match(recOf(buildReportModel(lowInput({ codeConversions: 37 })), '信用工作绩效'), /栏目已公示旧代码转换 37 条/);
});

test('sharing platform below average → the weak departments by name', () => {
  const r = recOf(buildReportModel(lowInput({ departments })), '信用工作绩效');
  assert.match(r, /督促市市场监管局提高报送量和及时性/);
});

test('market awareness below average → 诚信宣传教育 (诚信签名、诚信演讲) for citizens and for businesses', () => {
  const r = recOf(buildReportModel(lowInput()), '信用市场发育程度');
  assert.match(r, /开展面向市民的诚信宣传教育（诚信签名、诚信演讲、诚信主题宣传月等），提升个人信用意识（本项低于平均 1\.00 分）/);
  assert.match(r, /开展面向企业的诚信宣传教育（诚信经营承诺、诚信签名、诚信演讲等），提升商业机构信用意识/);
});

test('no evidence for a cause → no invented remedy; the fallback sentence asks to check the rules', () => {
  const r = recOf(buildReportModel(lowInput()), '信用事件监测');
  assert.match(r, /对照监测指标细则逐项查找失分原因/);
  assert.doesNotMatch(r, /加强信用事件公开公布|专项治理/);
});

// Issue 17 §6: the PDF's table columns fit their headers (each header is drawn as one line, not
// broken mid-word), and the PDF and HTML carry the dashboard's two charts, drawn on the server.
test('PDF table headers and short cells are whole, and the briefing carries the trend and indicator charts', async () => {
  const model = buildReportModel(fullInput());
  const table = model.sections[0].table!;
  const pdf = await renderReport(model, 'pdf');
  const runs = pdfRuns(pdf);
  for (const h of table.head) assert.ok(runs.includes(h), `header 「${h}」 is drawn whole: ${JSON.stringify(runs.filter((r) => h.includes(r)))}`);
  for (const r of table.rows) for (const c of r.slice(2)) if ([...c].length <= 4) assert.ok(runs.includes(c), `cell 「${c}」 is drawn whole`);

  const charts = model.sections.flatMap((s) => (s.chart ? [s.chart.title] : []));
  assert.deepEqual(charts, ['图1 西宁市城市信用综合指数与排名走势', `图2 西宁市一级指标与 ${want.of} 城平均比较`]);
  const text = pdfText(pdf);
  for (const title of charts) assert.ok(text.includes(title), `caption ${title}: ${JSON.stringify(text.slice(text.indexOf("图") - 20, text.indexOf("图") + 60))}`);
  // The charts' own text, drawn by ECharts as SVG and embedded in Noto Sans SC: axis names and the legend.
  for (const label of ['综合指数', '排名', '西宁市综合指数', '监测城市平均', `${want.of} 个监测城市平均`]) assert.ok(runs.includes(label), `chart text ${label}`);

  const html = await renderReport(model, 'html');
  assert.equal(html.match(/<svg[\s>]/g)?.length, 2, 'two inline SVG charts');
  assert.match(html, /<figcaption>图1 西宁市城市信用综合指数与排名走势<\/figcaption>/);
  const hostile = await renderReport(buildReportModel(fullInput({ city: '西宁市<b>' })), 'html');
  assert.ok(!hostile.includes('西宁市<b>'), 'chart text is escaped too');
});
