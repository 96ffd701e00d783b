// Credit-event monitoring (信用事件监测): classify events and compute the shares the monitor and the
// 2017 progress report use — share of bad events per domain and sub-domain, and monthly trends
// (docs/domain/05-monitoring.md §5.1 "信用事件", §10 "Negative credit events"). Pure functions over event arrays.
import { csvErrorMessage, parseCsvRecords, type CsvRecord } from './csvread.ts';
import { classifyTitle, type Classification, type ClassifierModel } from './classifier.ts';
import { MonitoringError, importError, type RowIssue } from './errors.ts';
import { defaultTaxonomy, subdomainToDomain, type Polarity, type Taxonomy } from './taxonomy.ts';
import { monthRange, normaliseMonth } from './util.ts';

/** A monitored credit event, usually a news item. */
export interface CreditEvent {
  id?: string;
  title: string;
  /** YYYY-MM-DD */
  date: string;
  source?: string;
  link?: string;
  summary?: string;
  /** 优良 / 不良; when absent the classifier decides. */
  polarity?: Polarity;
  subject?: { name: string; uscc?: string };
  /** Set when staff have classified the event by hand (人工修正). */
  domain?: string;
  subdomain?: string;
}

export interface ClassifiedEvent extends CreditEvent {
  polarity: Polarity;
  domain: string;
  subdomain: string;
  /** The classifier's result, kept for the "why" column; absent when staff set the labels. */
  classification?: Classification;
}

/** Fills domain, sub-domain and good/bad from the classifier unless staff already set them. */
export function classifyEvents(model: ClassifierModel, events: CreditEvent[]): ClassifiedEvent[] {
  return events.map((e) => {
    const staffDomain = e.subdomain ? model.domainOf.get(e.subdomain) : undefined;
    if (e.subdomain && !staffDomain) throw new MonitoringError('invalid_taxonomy', `事件「${e.title}」的子领域「${e.subdomain}」不在领域分类中`);
    if (e.subdomain && e.polarity) return { ...e, domain: staffDomain!, subdomain: e.subdomain, polarity: e.polarity };
    const c = classifyTitle(model, e.summary ? `${e.title} ${e.summary}` : e.title);
    // A sub-domain set by staff also sets its domain; only the polarity comes from the model then.
    return { ...e, domain: staffDomain ?? c.domain, subdomain: e.subdomain ?? c.subdomain, polarity: e.polarity ?? c.polarity, classification: c };
  });
}

export interface SubdomainStats {
  subdomain: string;
  total: number;
  bad: number;
  /** bad ÷ total of this sub-domain; null when it had no events */
  badRate: number | null;
  /** this sub-domain's bad events ÷ all bad events of its domain ("流通 53%"); null when the domain had none */
  shareOfDomainBad: number | null;
  /** this sub-domain's bad events ÷ all bad events of the period */
  shareOfAllBad: number | null;
}

export interface DomainStats {
  domain: string;
  total: number;
  bad: number;
  badRate: number | null;
  shareOfAllBad: number | null;
  subdomains: SubdomainStats[];
}

export interface EventStats {
  from: string | null;
  to: string | null;
  total: number;
  good: number;
  bad: number;
  badRate: number | null;
  domains: DomainStats[];
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Keeps events whose date lies in [from, to]; bounds are YYYY-MM-DD or YYYY-MM (whole month). */
export function inPeriod<T extends { date: string }>(events: T[], from?: string | null, to?: string | null): T[] {
  const lo = from ? (from.length === 7 ? `${from}-01` : from) : null;
  const hi = to ? (to.length === 7 ? `${to}-31` : to) : null;
  return events.filter((e) => (!lo || e.date >= lo) && (!hi || e.date <= hi));
}

/** Counts and bad-event shares per domain and sub-domain for a period; shares are null (never NaN) when empty. */
export function eventStats(events: ClassifiedEvent[], period: { from?: string; to?: string } = {}, taxonomy: Taxonomy = defaultTaxonomy()): EventStats {
  const list = inPeriod(events, period.from, period.to);
  const allBad = list.filter((e) => e.polarity === 'bad').length;
  const domains: DomainStats[] = taxonomy.domains.map((d) => {
    const inDomain = list.filter((e) => e.domain === d.name);
    const domainBad = inDomain.filter((e) => e.polarity === 'bad').length;
    return {
      domain: d.name,
      total: inDomain.length,
      bad: domainBad,
      badRate: ratio(domainBad, inDomain.length),
      shareOfAllBad: ratio(domainBad, allBad),
      subdomains: d.subdomains.map((s) => {
        const inSub = inDomain.filter((e) => e.subdomain === s.name);
        const bad = inSub.filter((e) => e.polarity === 'bad').length;
        return {
          subdomain: s.name,
          total: inSub.length,
          bad,
          badRate: ratio(bad, inSub.length),
          shareOfDomainBad: ratio(bad, domainBad),
          shareOfAllBad: ratio(bad, allBad),
        };
      }),
    };
  });
  return {
    from: period.from ?? null,
    to: period.to ?? null,
    total: list.length,
    good: list.length - allBad,
    bad: allBad,
    badRate: ratio(allBad, list.length),
    domains,
  };
}

/** Sub-domains ranked by their share of all bad events (largest first), skipping empty ones. */
export function dominantBadSubdomains(stats: EventStats, limit = 3): { domain: string; subdomain: string; bad: number; share: number }[] {
  return stats.domains
    .flatMap((d) => d.subdomains.map((s) => ({ domain: d.domain, subdomain: s.subdomain, bad: s.bad, share: s.shareOfAllBad ?? 0 })))
    .filter((s) => s.bad > 0)
    .sort((a, b) => b.bad - a.bad || a.subdomain.localeCompare(b.subdomain, 'zh'))
    .slice(0, limit);
}

export interface EventTrendPoint {
  month: string;
  total: number;
  good: number;
  bad: number;
  badRate: number | null;
  byDomain: { domain: string; total: number; bad: number }[];
}

/** Monthly counts from the first to the last month (or the given bounds), empty months included. */
export function eventTrend(events: ClassifiedEvent[], bounds: { from?: string; to?: string } = {}, taxonomy: Taxonomy = defaultTaxonomy()): EventTrendPoint[] {
  const months = events.map((e) => normaliseMonth(e.date.slice(0, 7))).filter((m): m is string => m !== null).sort();
  const from = bounds.from ?? months[0];
  const to = bounds.to ?? months[months.length - 1];
  if (!from || !to) return [];
  return monthRange(from, to).map((month) => {
    const list = events.filter((e) => e.date.startsWith(month));
    const bad = list.filter((e) => e.polarity === 'bad').length;
    return {
      month,
      total: list.length,
      good: list.length - bad,
      bad,
      badRate: ratio(bad, list.length),
      byDomain: taxonomy.domains.map((d) => {
        const inDomain = list.filter((e) => e.domain === d.name);
        return { domain: d.name, total: inDomain.length, bad: inDomain.filter((e) => e.polarity === 'bad').length };
      }),
    };
  });
}

/** The Chinese column headers of the events template, in file order (English names are still accepted). */
export const EVENT_COLUMNS = ['标题', '日期', '来源', '链接', '摘要', '性质', '主体', '子领域'] as const;

const EVENT_HEADERS: Record<string, string[]> = {
  title: ['title', '标题'],
  date: ['date', '日期'],
  source: ['source', '来源'],
  link: ['link', '链接'],
  summary: ['summary', '摘要'],
  polarity: ['polarity', '性质'],
  subject: ['subject', '主体'],
  subdomain: ['subdomain', '子领域'],
};

/** Parses events from CSV text (header: title,date[,source,link,summary,polarity,subject,subdomain]); every bad row is reported. */
export function parseEventsCsv(text: string, taxonomy: Taxonomy = defaultTaxonomy()): CreditEvent[] {
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(text);
  } catch (err) {
    throw new MonitoringError('invalid_events', `事件 CSV 格式错误，${csvErrorMessage(err)}`);
  }
  if (!records.length) return [];
  const header = records[0].record.map((h) => h.toLowerCase());
  const col = Object.fromEntries(Object.entries(EVENT_HEADERS).map(([k, names]) => [k, header.findIndex((h) => names.includes(h))]));
  if (col.title < 0 || col.date < 0) throw new MonitoringError('invalid_events', '事件文件第 1 行：表头须包含“标题”和“日期”列（可下载模板）');
  const known = subdomainToDomain(taxonomy);
  const issues: RowIssue[] = [];
  const events: CreditEvent[] = [];
  for (const { record, info } of records.slice(1)) {
    const get = (k: string) => (col[k] >= 0 ? (record[col[k]] ?? '').trim() : '');
    const problems: string[] = [];
    const title = get('title');
    const date = get('date').replace(/\//g, '-');
    const polarityText = get('polarity');
    const polarity = ({ good: 'good', bad: 'bad', 优良: 'good', 不良: 'bad' } as Record<string, Polarity>)[polarityText];
    const subdomain = get('subdomain');
    if (!title) problems.push('标题为空');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(`日期「${get('date')}」格式错误，应为 YYYY-MM-DD`);
    if (polarityText && !polarity) problems.push(`性质「${polarityText}」无效，应为 good/bad 或 优良/不良`);
    if (subdomain && !known.has(subdomain)) problems.push(`未知子领域「${subdomain}」`);
    if (problems.length) {
      issues.push({ row: info.lines, message: problems.join('；') });
      continue;
    }
    const e: CreditEvent = { title, date };
    for (const k of ['source', 'link', 'summary'] as const) if (get(k)) e[k] = get(k);
    if (polarity) e.polarity = polarity;
    if (get('subject')) e.subject = { name: get('subject') };
    if (subdomain) e.subdomain = subdomain;
    events.push(e);
  }
  if (issues.length) throw importError('invalid_events', '事件文件', issues);
  return events;
}
