// Credit-institution checklist (信用制度完善程度): the required credit institution standards per
// domain, each 国家/省级已落实 (with the document), 市级已出台 (title, number, date, link) or 空白
// — docs/domain/05-monitoring.md §5.1 ("153 城市信用监测制度标准", list not found, modelled as a checklist) and §10.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MonitoringError, importError, type RowIssue } from './errors.ts';
import { defaultTaxonomy, subdomainToDomain, type Taxonomy } from './taxonomy.ts';
import { readFirstSheet, writeSheet } from './xlsx.ts';

export const InstitutionStatusSchema = Type.Union([Type.Literal('national'), Type.Literal('municipal'), Type.Literal('blank')]);
export type InstitutionStatus = Static<typeof InstitutionStatusSchema>;

export const STATUS_LABELS: Record<InstitutionStatus, string> = { national: '国家/省级已落实', municipal: '市级已出台', blank: '空白' };
const SHORT_LABELS: Record<InstitutionStatus, string> = { national: '已落实', municipal: '已出台', blank: '空白' };

/** Cross-cutting institutions that belong to no single domain. */
export const GENERAL_DOMAIN = '综合';

/**
 * Chinese names of the shipped numbering's prefixes (defaults/institutions.json): cross-cutting institutions, those of
 * the 商务诚信 and 社会诚信 sectors, 政务诚信 and 司法公信 (docs/domain/05-monitoring.md §5.1: the four dimensions).
 * The console shows these instead of the codes (issue 17 §4); files keep the codes, which imports match on.
 */
export const NUMBER_PREFIX_LABELS: Readonly<Record<string, string>> = { GEN: '综合', SUB: '行业领域', GOV: '政务诚信', JUD: '司法公信' };

/** An item's number as the console shows it: "GEN-01" → "综合-01"; a number without a known prefix is shown as it is. */
export function checklistNumberLabel(id: string): string {
  const m = /^([A-Z]+)-(.+)$/.exec(id);
  const label = m ? NUMBER_PREFIX_LABELS[m[1]] : undefined;
  return label ? `${label}-${m![2]}` : id;
}

export const InstitutionItemSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  domain: Type.String({ minLength: 1 }),
  subdomain: Type.Optional(Type.String({ minLength: 1 })),
  name: Type.String({ minLength: 1 }),
  status: InstitutionStatusSchema,
  document: Type.Optional(
    Type.Object({
      title: Type.String({ minLength: 1 }),
      number: Type.Optional(Type.String()),
      date: Type.Optional(Type.String()),
      link: Type.Optional(Type.String()),
      issuer: Type.Optional(Type.String()),
      /** the document is known to exist but its number and date are not confirmed yet (shown as 待核) */
      unconfirmed: Type.Optional(Type.Boolean()),
    }),
  ),
  /**
   * where the requirement or document comes from, as users read it (API, exported .xlsx): plain Chinese citing the
   * document as a person cites it (《…》, 文号), an unverified fact said as 待核实 — never a file path, a DOMAIN § or a
   * confidence tag (issue 17 §4); the shipped file keeps those developer notes apart, in `sources`
   */
  basis: Type.Optional(Type.String()),
  /** where and since when the document can be found online; absent = not published (the monitor sees only published ones) */
  online: Type.Optional(Type.Object({ url: Type.String({ minLength: 1 }), date: Type.Optional(Type.String()) })),
});
export type InstitutionItem = Static<typeof InstitutionItemSchema>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Rule checks shared by JSON and XLSX input; returns the problems of one item. */
function itemProblems(item: InstitutionItem, domains: Map<string, string>, taxonomy: Taxonomy): string[] {
  const problems: string[] = [];
  const domainNames = new Set([GENERAL_DOMAIN, ...taxonomy.domains.map((d) => d.name)]);
  if (!domainNames.has(item.domain)) problems.push(`未知领域「${item.domain}」`);
  if (item.subdomain && domains.get(item.subdomain) !== item.domain) problems.push(`子领域「${item.subdomain}」不属于领域「${item.domain}」`);
  const doc = item.document;
  if (item.status === 'national' && !doc?.title) problems.push('状态为“国家/省级已落实”时须填写落实该制度的文件名称');
  if (item.status === 'municipal') {
    if (!doc?.title) problems.push('状态为“市级已出台”时须填写文件名称');
    // A document marked 待核 is known to be issued; its number and date are filled in once confirmed.
    if (!doc?.number && !doc?.unconfirmed) problems.push('状态为“市级已出台”时须填写文号');
    if (!doc?.date && !doc?.unconfirmed) problems.push('状态为“市级已出台”时须填写发布日期');
  }
  if (doc?.date && !DATE_RE.test(doc.date)) problems.push(`发布日期「${doc.date}」格式错误，应为 YYYY-MM-DD`);
  if (doc?.link && !/^https?:\/\//i.test(doc.link)) problems.push(`链接「${doc.link}」须以 http:// 或 https:// 开头`);
  const online = item.online;
  if (online && item.status === 'blank') problems.push('状态为“空白”的制度不能填写网上公开信息');
  if (online && !/^https?:\/\//i.test(online.url)) problems.push(`网上公开链接「${online.url}」须以 http:// 或 https:// 开头`);
  if (online?.date && !DATE_RE.test(online.date)) problems.push(`网上公开日期「${online.date}」格式错误，应为 YYYY-MM-DD`);
  return problems;
}

/** Validates a checklist (JSON from the DB or a file): shape, domains, required document fields, duplicates. */
export function validateChecklist(value: unknown, taxonomy: Taxonomy = defaultTaxonomy()): InstitutionItem[] {
  const schema = Type.Array(InstitutionItemSchema);
  if (!Value.Check(schema, value)) {
    const first = [...Value.Errors(schema, value)][0];
    throw new MonitoringError('invalid_checklist', `信用制度清单格式错误：${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  const domains = subdomainToDomain(taxonomy);
  const issues: RowIssue[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    const problems = itemProblems(item, domains, taxonomy);
    if (seen.has(item.id)) problems.push('编号重复');
    seen.add(item.id);
    if (problems.length) issues.push({ row: null, message: `「${item.name}」（${item.id}）：${problems.join('；')}` });
  }
  if (issues.length) throw importError('invalid_checklist', '信用制度清单', issues);
  return value;
}

let cached: InstitutionItem[] | undefined;

/**
 * The shipped default checklist (defaults/institutions.json), sourced from the documents DOMAIN cites. Only `items` is
 * read: the file's `sources` (each item's DOMAIN section and confidence tag, for developers) is never stored or sent.
 */
export function defaultChecklist(): InstitutionItem[] {
  cached ??= validateChecklist((JSON.parse(readFileSync(new URL('./defaults/institutions.json', import.meta.url), 'utf8')) as { items: unknown }).items);
  return structuredClone(cached);
}

const COLUMNS = ['编号', '领域', '子领域', '制度名称', '状态', '文件名称', '文号', '发布日期', '链接', '发布机关', '依据', '文号日期待核', '网上公开链接', '网上公开日期'] as const;

function parseStatus(text: string): InstitutionStatus | null {
  const t = text.replace(/\s/g, '');
  if (['national', '国家/省级已落实', '国家或省级已落实', '国家省级已落实', '已落实'].includes(t)) return 'national';
  if (['municipal', '市级已出台', '已出台'].includes(t)) return 'municipal';
  if (['blank', '空白'].includes(t)) return 'blank';
  return null;
}

function parseDate(text: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : text.trim();
}

/** Imports a checklist from .xlsx (columns 编号, 领域, 子领域, 制度名称, 状态, 文件名称, 文号, 发布日期, 链接, 发布机关, 依据). */
export async function importChecklistXlsx(buffer: Buffer | Uint8Array, taxonomy: Taxonomy = defaultTaxonomy()): Promise<InstitutionItem[]> {
  const rows = await readFirstSheet(buffer);
  if (!rows.length) throw new MonitoringError('invalid_checklist', '信用制度清单为空');
  const header = rows[0].cells.map((h) => h.trim());
  const col = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = (['领域', '制度名称', '状态'] as const).filter((c) => col[c] < 0);
  if (missing.length) {
    throw new MonitoringError('invalid_checklist', `第 ${rows[0].row} 行：表头缺少列 ${missing.join('、')}`, [{ row: rows[0].row, message: `表头缺少列 ${missing.join('、')}` }]);
  }
  const domains = subdomainToDomain(taxonomy);
  const get = (cells: string[], c: (typeof COLUMNS)[number]) => (col[c] >= 0 ? (cells[col[c]] ?? '').trim() : '');
  const items: InstitutionItem[] = [];
  const issues: RowIssue[] = [];
  const firstRow = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const { row, cells } of rows.slice(1)) {
    const problems: string[] = [];
    const name = get(cells, '制度名称');
    const statusText = get(cells, '状态');
    const status = parseStatus(statusText);
    if (!name) problems.push('制度名称为空');
    if (!statusText) problems.push('状态为空');
    else if (!status) problems.push(`状态「${statusText}」无效，应为 国家/省级已落实、市级已出台 或 空白`);
    const title = get(cells, '文件名称');
    const unconfirmed = ['是', 'true', '待核'].includes(get(cells, '文号日期待核'));
    const doc = title
      ? {
          ...Object.fromEntries(
            Object.entries({ title, number: get(cells, '文号'), date: parseDate(get(cells, '发布日期')), link: get(cells, '链接'), issuer: get(cells, '发布机关') }).filter(([, v]) => v !== ''),
          ),
          ...(unconfirmed ? { unconfirmed: true } : {}),
        }
      : undefined;
    const onlineUrl = get(cells, '网上公开链接');
    const onlineDate = parseDate(get(cells, '网上公开日期'));
    const item: InstitutionItem = {
      id: get(cells, '编号') || `ROW-${row}`,
      domain: get(cells, '领域'),
      name,
      status: status ?? 'blank',
      ...(get(cells, '子领域') ? { subdomain: get(cells, '子领域') } : {}),
      ...(doc ? { document: doc as InstitutionItem['document'] } : {}),
      ...(get(cells, '依据') ? { basis: get(cells, '依据') } : {}),
      ...(onlineUrl ? { online: { url: onlineUrl, ...(onlineDate ? { date: onlineDate } : {}) } } : {}),
    };
    if (!onlineUrl && onlineDate) problems.push('填写了网上公开日期但没有网上公开链接');
    if (!item.domain) problems.push('领域为空');
    else if (status && name) problems.push(...itemProblems(item, domains, taxonomy));
    else if (item.subdomain && domains.get(item.subdomain) !== item.domain) problems.push(`子领域「${item.subdomain}」不属于领域「${item.domain}」`);
    const key = `${item.domain}\t${item.subdomain ?? ''}\t${name}`;
    if (name && firstRow.has(key)) problems.push(`与第 ${firstRow.get(key)} 行重复（${item.domain} ${name}）`);
    else firstRow.set(key, row);
    if (ids.has(item.id)) problems.push(`编号「${item.id}」与第 ${ids.get(item.id)} 行重复`);
    else ids.set(item.id, row);
    if (problems.length) issues.push({ row, message: problems.join('；') });
    else items.push(item);
  }
  if (issues.length) throw importError('invalid_checklist', '信用制度清单', issues);
  if (!items.length) throw new MonitoringError('invalid_checklist', '信用制度清单没有数据行');
  return items;
}

/** Exports a checklist as .xlsx in the import layout (also serves as the import template). */
export async function checklistToXlsx(items: InstitutionItem[]): Promise<Buffer> {
  return writeSheet(
    '信用制度清单',
    [...COLUMNS],
    items.map((i) => [
      i.id,
      i.domain,
      i.subdomain ?? '',
      i.name,
      STATUS_LABELS[i.status],
      i.document?.title ?? '',
      i.document?.number ?? '',
      i.document?.date ?? '',
      i.document?.link ?? '',
      i.document?.issuer ?? '',
      i.basis ?? '',
      i.document?.unconfirmed ? '是' : '',
      i.online?.url ?? '',
      i.online?.date ?? '',
    ]),
    [10, 10, 14, 36, 16, 48, 24, 12, 30, 24, 40, 12, 40, 14],
  );
}

export interface StatusCounts {
  total: number;
  national: number;
  municipal: number;
  blank: number;
}

export interface ChecklistSummary extends StatusCounts {
  /** issued items (national or municipal) published online: what the monitor can see (透明度 counts only these) */
  online: number;
  /** issued items not published online, in checklist order */
  unpublished: InstitutionItem[];
  byDomain: (StatusCounts & { domain: string; subdomains: (StatusCounts & { subdomain: string })[] })[];
  /** blank items, grouped by domain in checklist order */
  gaps: { domain: string; items: InstitutionItem[] }[];
  /** e.g. "153 项：已落实 59，已出台 30，空白 64" */
  text: string;
}

function count(items: InstitutionItem[]): StatusCounts {
  return {
    total: items.length,
    national: items.filter((i) => i.status === 'national').length,
    municipal: items.filter((i) => i.status === 'municipal').length,
    blank: items.filter((i) => i.status === 'blank').length,
  };
}

/** "153 项：已落实 59，已出台 30，空白 64" for any set of counts. */
export function countsText(c: StatusCounts): string {
  return `${c.total} 项：${SHORT_LABELS.national} ${c.national}，${SHORT_LABELS.municipal} ${c.municipal}，${SHORT_LABELS.blank} ${c.blank}`;
}

/** Counts by status, by domain and sub-domain, and the gap list (空白 items). */
export function summarizeChecklist(items: InstitutionItem[]): ChecklistSummary {
  const domains = [...new Set(items.map((i) => i.domain))];
  const byDomain = domains.map((domain) => {
    const inDomain = items.filter((i) => i.domain === domain);
    const subs = [...new Set(inDomain.map((i) => i.subdomain).filter((s): s is string => Boolean(s)))];
    return { domain, ...count(inDomain), subdomains: subs.map((subdomain) => ({ subdomain, ...count(inDomain.filter((i) => i.subdomain === subdomain)) })) };
  });
  const totals = count(items);
  return {
    ...totals,
    online: items.filter((i) => i.status !== 'blank' && i.online).length,
    unpublished: items.filter((i) => i.status !== 'blank' && !i.online),
    byDomain,
    gaps: domains.map((domain) => ({ domain, items: items.filter((i) => i.domain === domain && i.status === 'blank') })).filter((g) => g.items.length),
    text: countsText(totals),
  };
}
