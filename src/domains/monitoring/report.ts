// The monitoring briefing (监测分析通报) as a render-independent model: every sentence is built
// from the comparison, trend and optional evidence (events, institution checklist, department
// scorecards) through fixed templates — no number is written by hand. Layout follows a credit
// office's monthly briefing: 总体情况 → 低于平均的指标及原因 → 持平 → 优势 → 工作建议 (docs/domain/10-city.md §10).
import type { ChecklistSummary } from './checklist.ts';
import { RELATION_LABELS, relationOf, type CompareResult, type IndicatorComparison, type Relation, type TrendPoint } from './compare.ts';
import { dominantBadSubdomains, type ClassifiedEvent, type EventStats } from './events.ts';
import type { Scorecard } from '../assessment/index.ts';
import { childrenOf, type EvidenceKind, type IndicatorTree, type Remedy } from './trees.ts';
import { fmt, monthLabel, pct } from './util.ts';
import { indicatorChartOption, trendChartOption, type ChartOptionData } from './charts.shared.ts';

export interface ReportInput {
  tree: IndicatorTree;
  city: string;
  /** YYYY-MM of the briefing */
  month: string;
  /** null when the file has no data for this city and month */
  compare: CompareResult | null;
  trend?: TrendPoint[];
  /** monitored events of the month; `published` = those the credit office published on the portal (信用事件公开) */
  events?: { stats: EventStats; samples?: ClassifiedEvent[]; published?: { total: number; good: number; bad: number } };
  checklist?: ChecklistSummary;
  departments?: Scorecard[];
  /** legacy-code conversions listed on the portal's 统一社会信用代码转换公示 page */
  codeConversions?: number;
  /** issuing office; default "<city>社会信用体系建设工作领导小组办公室" */
  issuer?: string;
  /** YYYY-MM-DD printed under the title; default today */
  date?: string;
}

export interface ReportTable {
  head: string[];
  rows: string[][];
}

/** A chart drawn after a section's text: the ECharts option the dashboard uses for the same data. */
export interface ReportChart {
  title: string;
  option: ChartOptionData;
  /** what the chart shows, in words: the alt text of the .docx image, for readers who cannot see it */
  description: string;
}

export interface ReportSection {
  heading: string;
  paragraphs: string[];
  items?: string[];
  table?: ReportTable;
  chart?: ReportChart;
}

export interface ReportModel {
  title: string;
  subtitle: string;
  issuer: string;
  date: string;
  city: string;
  month: string;
  hasData: boolean;
  /** indicator names per relation, in tree order — what the text names */
  relations: Record<Relation, string[]>;
  sections: ReportSection[];
}

// Thresholds that make a department "late" or "low" in the cause analysis.
const ON_TIME_TARGET = 0.9;
const VOLUME_TARGET = 0.8;
const FIRST_PASS_TARGET = 0.9;
const DEADLINE_DAYS = 7; // docs/domain/01-sgs.md §1.1: publish within 7 working days
// Rejected rows should be corrected and resubmitted within this many working days (the scorecards'
// full-marks threshold; docs/domain/01-sgs.md §1.4 rule 9 问题数据 → 更正 → 重新报送).
const CORRECTION_TARGET_DAYS = 5;

const CN_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const cnIndex = (i: number) => (i < 10 ? CN_NUMBERS[i] : String(i + 1));
const quote = (names: string[]) => names.map((n) => `「${n}」`).join('');

// A maximum the tree does not know is the highest score in the file and is named so, never 满分.
const maxText = (i: IndicatorComparison) => (i.maxKnown ? String(i.max) : `≥${fmt(i.max)}（未公布）`);
const maxPhrase = (i: IndicatorComparison) => (i.maxKnown ? `满分 ${i.max}` : `满分未公布，监测城市最高 ${fmt(i.max)}`);

function gapText(i: { gap: number; relation: Relation }): string {
  if (i.relation === 'equal') return '与平均值持平';
  return `${i.relation === 'below' ? '低于' : '高于'}平均值 ${fmt(Math.abs(i.gap))} 分`;
}

function overview(input: ReportInput, c: CompareResult): ReportSection {
  const paragraphs: string[] = [];
  const rel = relationOf(c.composite, c.average);
  paragraphs.push(
    `${monthLabel(c.month)}，${c.city}城市信用综合指数为 ${fmt(c.composite)}，在 ${c.of} 个监测城市中排名第 ${c.rank} 位；` +
      `${c.of} 城平均值为 ${fmt(c.average)}，${c.city}${gapText({ gap: c.composite - c.average, relation: rel })}。`,
  );
  const trend = (input.trend ?? []).filter((t) => t.month <= c.month);
  if (trend.length >= 2) {
    const prev = trend[trend.length - 2];
    const moved = prev.rank - c.rank;
    const delta = c.composite - prev.composite;
    const best = Math.min(...trend.map((t) => t.rank));
    const worst = Math.max(...trend.map((t) => t.rank));
    paragraphs.push(
      `与上月（${monthLabel(prev.month)}）相比，排名${moved > 0 ? `上升 ${moved} 位` : moved < 0 ? `下降 ${-moved} 位` : '不变'}，` +
        `综合指数${Math.abs(delta) < 0.005 ? '持平' : `${delta > 0 ? '上升' : '下降'} ${fmt(Math.abs(delta))}`}；` +
        `${monthLabel(trend[0].month)}以来排名${best === worst ? `均为第 ${best} 位` : `在第 ${best} 至第 ${worst} 位之间`}。`,
    );
  }
  const by = (r: Relation) => c.indicators.filter((i) => i.relation === r).map((i) => i.name);
  paragraphs.push(
    `${c.indicators.length} 项监测指标中，低于平均的 ${by('below').length} 项，与平均持平的 ${by('equal').length} 项，高于平均的 ${by('above').length} 项。`,
  );
  const items = (['below', 'equal', 'above'] as Relation[]).filter((r) => by(r).length).map((r) => `${RELATION_LABELS[r]}：${quote(by(r))}`);
  const parentName = new Map(input.tree.nodes.map((n) => [n.code, n.name]));
  // Local estimates (本地测算) get a column only when the caller supplied some.
  const withEstimates = c.indicators.some((i) => i.estimates?.length);
  return {
    heading: '总体情况',
    paragraphs,
    items,
    table: {
      head: ['指标', '上级指标', '得分', '满分', `${c.of}城平均`, '比较', '差距', ...(withEstimates ? ['本地测算'] : [])],
      rows: c.indicators.map((i) => [
        i.name,
        i.parent ? parentName.get(i.parent) ?? i.parent : '—',
        fmt(i.score),
        maxText(i),
        fmt(i.average),
        RELATION_LABELS[i.relation],
        `${i.gap > 0 ? '+' : ''}${fmt(i.gap)}`,
        ...(withEstimates ? [i.estimates?.map((e) => `${e.label} ${e.text}`).join('；') || '—'] : []),
      ]),
    },
  };
}

function eventCause(input: ReportInput): string | null {
  if (!input.events) return null;
  const s = input.events.stats;
  if (s.total === 0) return '本期未监测到信用事件，无法分析事件构成。';
  if (s.bad === 0) return `本期监测到信用事件 ${s.total} 起，均为优良事件。`;
  const top = dominantBadSubdomains(s, 3).map((d) => {
    const domain = s.domains.find((x) => x.domain === d.domain)!;
    const sub = domain.subdomains.find((x) => x.subdomain === d.subdomain)!;
    return `${d.domain}·${d.subdomain}（${d.bad} 起，占全部不良事件 ${pct(d.share)}，占${d.domain}不良事件 ${pct(sub.shareOfDomainBad ?? 0)}）`;
  });
  return `本期监测到信用事件 ${s.total} 起，其中不良事件 ${s.bad} 起，占 ${pct(s.badRate ?? 0)}；不良事件主要集中在${top.join('、')}。`;
}

function institutionCause(input: ReportInput): string | null {
  const c = input.checklist;
  if (!c) return null;
  if (c.total === 0) return '信用制度清单为空，无法分析制度建设情况。';
  if (c.blank === 0) return `信用制度清单共 ${c.text}，已无空白项。`;
  const gaps = [...c.gaps].sort((a, b) => b.items.length - a.items.length).slice(0, 3);
  // The monitor sees only documents published online: issued ones that are not count as missing there.
  const hidden = c.unpublished.length ? `；已出台的 ${c.national + c.municipal} 项中网上可查 ${c.online} 项，${c.unpublished.length} 项未在网上公开` : '';
  return `信用制度清单共 ${c.text}；空白项主要在${gaps.map((g) => `${g.domain}（${g.items.length} 项）`).join('、')}${hidden}。`;
}

function weakDepartments(cards: Scorecard[]) {
  return {
    late: cards.filter((c) => c.onTimeShare !== null && c.onTimeShare < ON_TIME_TARGET),
    low: cards.filter((c) => c.volumeRatio !== null && c.volumeRatio < VOLUME_TARGET),
    rejected: cards.filter((c) => c.firstPassRate !== null && c.firstPassRate < FIRST_PASS_TARGET),
    uncorrected: cards.filter((c) => c.uncorrected > 0),
    slow: cards.filter((c) => c.avgCorrectionDays !== null && c.avgCorrectionDays > CORRECTION_TARGET_DAYS),
  };
}

function departmentCause(input: ReportInput): string | null {
  const cards = input.departments;
  if (!cards) return null;
  if (!cards.length || cards.every((c) => c.reported === 0 && c.expected === 0)) return '本期无部门报送数据，无法分析部门报送情况。';
  const { late, low, rejected, uncorrected, slow } = weakDepartments(cards);
  const parts: string[] = [];
  if (low.length) parts.push(`报送量未达应报量 ${pct(VOLUME_TARGET)} 的部门有 ${low.length} 个：${low.map((c) => `${c.name}（完成 ${pct(c.volumeRatio!)}）`).join('、')}`);
  if (late.length) parts.push(`${DEADLINE_DAYS} 个工作日内按时上报率低于 ${pct(ON_TIME_TARGET)} 的部门有 ${late.length} 个：${late.map((c) => `${c.name}（${pct(c.onTimeShare!)}）`).join('、')}`);
  if (rejected.length) parts.push(`一次通过率低于 ${pct(FIRST_PASS_TARGET)} 的部门有 ${rejected.length} 个：${rejected.map((c) => `${c.name}（${pct(c.firstPassRate!)}）`).join('、')}`);
  if (uncorrected.length) parts.push(`退回数据尚未更正的部门有 ${uncorrected.length} 个：${uncorrected.map((c) => `${c.name}（${c.uncorrected} 条）`).join('、')}`);
  if (slow.length) parts.push(`退回数据平均更正用时超过 ${CORRECTION_TARGET_DAYS} 个工作日的部门有 ${slow.length} 个：${slow.map((c) => `${c.name}（${c.avgCorrectionDays} 个工作日）`).join('、')}`);
  if (!parts.length) return `${cards.length} 个部门的报送量、及时性、一次通过率和退回数据更正均达到考核要求。`;
  return parts.join('；') + '。';
}

const CAUSES: Record<EvidenceKind, (input: ReportInput) => string | null> = {
  events: eventCause,
  institutions: institutionCause,
  departments: departmentCause,
};

/** Evidence kinds of an indicator, falling back to those of its children. */
function evidenceOf(tree: IndicatorTree, code: string): EvidenceKind[] {
  const node = tree.nodes.find((n) => n.code === code)!;
  if (node.evidence?.length) return node.evidence;
  return [...new Set(childrenOf(tree, code).flatMap((k) => evidenceOf(tree, k.code)))];
}

function belowSection(input: ReportInput, c: CompareResult): ReportSection {
  const below = c.indicators.filter((i) => i.relation === 'below');
  if (!below.length) return { heading: '低于平均水平的指标及原因分析', paragraphs: ['本期没有低于平均水平的指标。'] };
  // The same evidence often explains several indicators: state it once, then refer back to it.
  const firstUse = new Map<string, number>();
  const paragraphs = below.map((i, k) => {
    const parts = [`（${cnIndex(k)}）${i.name}：得分 ${fmt(i.score)}（${maxPhrase(i)}），${c.of} 城平均 ${fmt(i.average)}，差距 ${fmt(Math.abs(i.gap))} 分。`];
    const belowKids = c.indicators.filter((x) => x.parent === i.code && x.relation === 'below').map((x) => x.name);
    if (belowKids.length) {
      // Sub-indicators below the average are analysed in their own paragraphs.
      parts.push(`失分主要在下级指标${quote(belowKids)}，原因见下文。`);
      return parts.join('');
    }
    const causes = evidenceOf(input.tree, i.code)
      .map((e) => CAUSES[e](input))
      .filter((s): s is string => s !== null);
    for (const cause of causes) {
      const seen = firstUse.get(cause);
      if (seen === undefined) {
        firstUse.set(cause, k);
        parts.push(cause);
      } else parts.push(`相关情况见第（${cnIndex(seen)}）项。`);
    }
    if (!causes.length) parts.push('暂无可用于分析该指标失分原因的本地数据。');
    return parts.join('');
  });
  return { heading: '低于平均水平的指标及原因分析', paragraphs };
}

function listSection(heading: string, list: IndicatorComparison[], empty: string, of: number): ReportSection {
  if (!list.length) return { heading, paragraphs: [empty] };
  return {
    heading,
    paragraphs: list.map((i) => `${i.name}：得分 ${fmt(i.score)}，${of} 城平均 ${fmt(i.average)}，${gapText(i)}。`),
  };
}

const titles = (items: { name: string; document?: { title: string } }[], shown = 5) =>
  items.slice(0, shown).map((i) => `《${i.document?.title ?? i.name}》`).join('') + (items.length > shown ? ` 等 ${items.length} 项` : '');

function departmentActions(input: ReportInput): string[] {
  if (!input.departments) return [];
  const actions: string[] = [];
  const { late, low, uncorrected, slow } = weakDepartments(input.departments);
  const names = [...new Set([...low, ...late].map((d) => d.name))];
  if (names.length) actions.push(`督促${names.join('、')}提高报送量和及时性，落实 ${DEADLINE_DAYS} 个工作日内上网公示要求，并纳入年度目标考核`);
  const fix = [...new Set([...uncorrected, ...slow].map((d) => d.name))];
  if (fix.length) actions.push(`督促${fix.join('、')}在 ${CORRECTION_TARGET_DAYS} 个工作日内更正退回的问题数据并重新报送`);
  return actions;
}

function badEventAction(input: ReportInput): string[] {
  if (!input.events || input.events.stats.bad === 0) return [];
  const top = dominantBadSubdomains(input.events.stats, 2).map((d) => d.subdomain);
  return [`加强${top.join('、')}领域的信用监管和专项治理，对不良事件涉及主体依法依规实施失信惩戒并跟踪整改`];
}

// One writer per cause (the tree node's `remedy`): each states the evidence it rests on, or writes nothing
// when the evidence is absent, so no sentence is generic.
const REMEDIES: Record<Remedy, (input: ReportInput, i: IndicatorComparison) => string[]> = {
  events: (input) => {
    const actions: string[] = [];
    const p = input.events?.published;
    const seen = input.events?.stats.total;
    // The monitor crawls what the city publishes: fewer published events than monitored ones is the cause to fix.
    if (p && (seen === undefined || p.total < seen)) {
      actions.push(
        `加强信用事件公开公布：本期在信用网站公开信用事件 ${p.total} 起（优良 ${p.good} 起、不良 ${p.bad} 起）` +
          `${seen !== undefined ? `，少于本地监测到的 ${seen} 起` : ''}，应按月在“信用事件公开”栏目公布优良和不良信用事件，注明来源链接和日期`,
      );
    }
    return [...actions, ...badEventAction(input)];
  },
  institutions: (input) => {
    const c = input.checklist;
    if (!c) return [];
    const actions: string[] = [];
    if (c.blank > 0) {
      const gaps = [...c.gaps].sort((a, b) => b.items.length - a.items.length);
      actions.push(`补齐空白制度 ${c.blank} 项，空白领域为${gaps.map((g) => `${g.domain}（${g.items.length} 项，如${titles(g.items, 1)}）`).join('、')}`);
    }
    if (c.unpublished.length) {
      actions.push(`已出台但未在网上公开的制度 ${c.unpublished.length} 项（${titles(c.unpublished)}），应在信用网站公开文件名称、文号、日期和链接`);
    }
    return actions;
  },
  transparency: (input) => {
    const c = input.checklist;
    const actions: string[] = [];
    if (c && c.unpublished.length) {
      actions.push(`加大已出台制度的公开力度：已出台的 ${c.national + c.municipal} 项制度中网上可查 ${c.online} 项，${c.unpublished.length} 项未公开（${titles(c.unpublished)}）`);
    }
    return [...actions, ...departmentActions(input)];
  },
  code_conversion: (input) => [
    input.codeConversions === undefined || input.codeConversions === 0
      ? '在信用网站开设“统一社会信用代码转换公示”栏目，公示组织机构代码、注册号与统一社会信用代码的对应关系，并督促登记部门完成存量主体换码'
      : `信用网站“统一社会信用代码转换公示”栏目已公示旧代码转换 ${input.codeConversions} 条，应随登记数据按月更新并督促登记部门完成剩余存量主体换码`,
  ],
  sharing: (input) => departmentActions(input),
  blacklist: (input) => {
    const bad = input.events?.stats.bad;
    return [
      `对黑名单主体依法依规实施联合惩戒并督促整改，引导其完成信用修复后按规定移出${bad ? `，本期监测到不良信用事件 ${bad} 起，应核查是否涉及应列入黑名单的主体` : ''}`,
    ];
  },
  blacklist_disclosure: (_input, i) => [
    `推进黑名单归集共享，形成联合惩戒机制：各部门认定的黑名单按目录归集到信用信息共享平台，在信用网站公开（本项得分 ${fmt(i.score)}，平均 ${fmt(i.average)}）`,
  ],
  awareness: (_input, i) => [
    i.code === 'MK1' || i.name.includes('个人')
      ? `开展面向市民的诚信宣传教育（诚信签名、诚信演讲、诚信主题宣传月等），提升个人信用意识（本项低于平均 ${fmt(Math.abs(i.gap))} 分）`
      : `开展面向企业的诚信宣传教育（诚信经营承诺、诚信签名、诚信演讲等），提升商业机构信用意识（本项低于平均 ${fmt(Math.abs(i.gap))} 分）`,
  ],
};

/** Recommendations of one indicator: its own remedy, or those of its below-average children; else the evidence kinds. */
function actionsFor(input: ReportInput, c: CompareResult, i: IndicatorComparison): string[] {
  const node = input.tree.nodes.find((n) => n.code === i.code);
  if (node?.remedy) return REMEDIES[node.remedy](input, i);
  const kids = c.indicators.filter((x) => x.parent === i.code && x.relation === 'below');
  if (kids.some((k) => input.tree.nodes.find((n) => n.code === k.code)?.remedy)) return kids.flatMap((k) => actionsFor(input, c, k));
  const actions: string[] = [];
  const evidence = evidenceOf(input.tree, i.code);
  if (evidence.includes('events')) actions.push(...badEventAction(input));
  if (evidence.includes('institutions')) actions.push(...REMEDIES.institutions(input, i));
  if (evidence.includes('departments')) actions.push(...departmentActions(input));
  return actions;
}

// Sort key: how far below the average, relative to the maximum (known or implied by the data).
const shortfall = (i: IndicatorComparison) => (i.max > 0 ? i.gap / i.max : i.gap);

function recommendations(input: ReportInput, c: CompareResult): ReportSection {
  const below = c.indicators.filter((i) => i.relation === 'below').sort((a, b) => shortfall(a) - shortfall(b));
  if (!below.length) return { heading: '工作建议', paragraphs: ['各项指标均不低于平均水平，建议保持现有工作力度，巩固优势指标，持续跟踪月度排名变化。'] };
  // Recommend for first-level indicators and for sub-indicators whose parent is not itself listed.
  const listed = new Set(below.map((i) => i.code));
  const targets = below.filter((i) => i.parent === null || !listed.has(i.parent));
  const paragraphs = targets.map((i, k) => {
    const head = `${k + 1}. 针对「${i.name}」（低于平均 ${fmt(Math.abs(i.gap))} 分，${i.maxKnown ? '得分率' : '相当于最高分的'} ${pct(i.score / i.max, 1)}）：`;
    const actions = [...new Set(actionsFor(input, c, i))];
    if (!actions.length) actions.push('对照监测指标细则逐项查找失分原因，明确牵头部门、整改措施和完成时限');
    return head + actions.join('；') + '。';
  });
  return { heading: '工作建议', paragraphs };
}

function samplesSection(input: ReportInput): ReportSection | null {
  const samples = input.events?.samples?.filter((e) => e.polarity === 'bad');
  if (!samples?.length) return null;
  return {
    heading: '附：本期典型不良信用事件',
    paragraphs: [`以下 ${samples.length} 起事件按日期排列，领域分类由系统自动完成，可人工修正。`],
    table: {
      head: ['日期', '标题', '领域', '来源'],
      rows: [...samples].sort((a, b) => a.date.localeCompare(b.date)).map((e) => [e.date, e.title, `${e.domain}·${e.subdomain}`, e.source ?? '—']),
    },
  };
}

/** Builds the briefing model; with no comparison data it says so instead of computing anything. */
export function buildReportModel(input: ReportInput): ReportModel {
  const base = {
    title: `${input.city}城市信用状况监测分析通报`,
    subtitle: `${monthLabel(input.month)} · ${input.tree.name}`,
    issuer: input.issuer ?? `${input.city}社会信用体系建设工作领导小组办公室`,
    date: input.date ?? new Date().toISOString().slice(0, 10),
    city: input.city,
    month: input.month,
  };
  const c = input.compare;
  if (!c || c.indicators.length === 0) {
    const sections: ReportSection[] = [{ heading: '总体情况', paragraphs: [`${monthLabel(input.month)}没有${input.city}的城市信用监测数据，本期不作排名和指标分析。`] }];
    const extra = [eventCause(input), institutionCause(input), departmentCause(input)].filter((s): s is string => s !== null);
    if (extra.length) sections.push({ heading: '本地监测情况', paragraphs: extra });
    return { ...base, hasData: false, relations: { below: [], equal: [], above: [] }, sections };
  }
  const names = (r: Relation) => c.indicators.filter((i) => i.relation === r).map((i) => i.name);
  // The charts a reader expects (issue 17 §6), from the dashboard's option builders.
  const trendPoints = (input.trend ?? []).filter((t) => t.month <= c.month);
  const trendOption = trendChartOption(c.city, trendPoints.length ? trendPoints : [c]);
  const indicatorOption = indicatorChartOption(c.city, c.of, c.indicators);
  const withChart = (s: ReportSection, title: string, option: ChartOptionData | null, description: string): ReportSection =>
    option ? { ...s, chart: { title, option, description } } : s;
  const sections = [
    withChart(overview(input, c), `图1 ${c.city}城市信用综合指数与排名走势`, trendOption, trendDescription(c.city, trendPoints.length ? trendPoints : [c])),
    withChart(belowSection(input, c), `图2 ${c.city}一级指标与 ${c.of} 城平均比较`, indicatorOption, indicatorDescription(c)),
    listSection('与平均水平持平的指标', c.indicators.filter((i) => i.relation === 'equal'), '本期没有与平均水平持平的指标。', c.of),
    listSection('优势指标', c.indicators.filter((i) => i.relation === 'above'), '本期没有高于平均水平的指标。', c.of),
    recommendations(input, c),
  ].map((s, k) => ({ ...s, heading: `${cnIndex(k)}、${s.heading}` }));
  const samples = samplesSection(input);
  if (samples) sections.push(samples);
  return { ...base, hasData: true, relations: { below: names('below'), equal: names('equal'), above: names('above') }, sections };
}

/** The trend chart in words (alt text): first and last month's composite, average and rank. */
function trendDescription(city: string, points: readonly { month: string; composite: number; average: number; rank: number; of: number }[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  const at = (p: typeof first) => `综合指数 ${fmt(p.composite)}（监测城市平均 ${fmt(p.average)}），排名第 ${p.rank} 位（共 ${p.of} 个城市）`;
  if (points.length === 1) return `折线图：${monthLabel(last.month)}${city}${at(last)}。`;
  return `折线图：${monthLabel(first.month)}至${monthLabel(last.month)}${city}的走势，${monthLabel(first.month)}${at(first)}，${monthLabel(last.month)}${at(last)}。`;
}

/** The indicator chart in words (alt text): each first-level indicator's score against the average. */
function indicatorDescription(c: CompareResult): string {
  const top = c.indicators.filter((i) => i.parent === null);
  return `雷达图：${c.city}各一级指标得分与 ${c.of} 个监测城市平均比较，${top.map((i) => `${i.name} ${fmt(i.score)}（平均 ${fmt(i.average)}）`).join('；')}。`;
}
