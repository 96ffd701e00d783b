// Labels and small display helpers shared by the portal pages.
import type { RecordTab } from '../api/types';

// Subject categories as named in the 双公示 standard (行政相对人类别); unknown codes are shown as sent.
const KIND_LABELS: Record<string, string> = {
  legal: '法人及非法人组织',
  individual_business: '个体工商户',
  natural_person: '自然人',
};

/** Chinese name of a subject kind. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

const RECORD_TYPE_LABELS: Record<string, string> = {
  penalty: '行政处罚',
  permit: '行政许可',
  red_list: '守信激励',
  black_list: '失信惩戒',
  commitment: '信用承诺',
  evaluation: '信用评价',
};

/** Chinese name of a record type (penalty → 行政处罚 …). */
export function recordTypeLabel(type: string): string {
  return RECORD_TYPE_LABELS[type] ?? '公示信息';
}

export interface SubjectTab {
  key: 'info' | RecordTab;
  label: string;
  /** Shown when the tab has no public record. */
  empty: string;
}

/** The tabs of a subject page, in the order of the 信用中国 subject page. */
export const SUBJECT_TABS: readonly SubjectTab[] = [
  { key: 'info', label: '基础信息', empty: '' },
  { key: 'permit', label: '行政许可', empty: '暂无行政许可信息' },
  { key: 'penalty', label: '行政处罚', empty: '暂无行政处罚信息' },
  { key: 'red', label: '守信激励', empty: '暂无守信激励信息' },
  { key: 'black', label: '失信惩戒', empty: '暂无失信惩戒信息' },
  { key: 'commitment', label: '信用承诺', empty: '暂无信用承诺信息' },
  { key: 'evaluation', label: '信用评价', empty: '暂无信用评价信息' },
];

/** The record tab named by a `?tab=` value, or null for 基础信息 and unknown values. */
export function recordTabOf(value: unknown): RecordTab | null {
  const v = Array.isArray(value) ? value[0] : value;
  const tab = SUBJECT_TABS.find((t) => t.key === v && t.key !== 'info');
  return tab ? (tab.key as RecordTab) : null;
}

/** First value of a route query parameter as a trimmed string ('' when absent). */
export function queryString(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v.trim() : '';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A date as YYYY-MM-DD ('—' when empty); date-only strings are kept as they are. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A timestamp as YYYY-MM-DD HH:mm:ss Beijing time, as printed on the credit report ('—' when empty). */
export function formatBeijingDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const p = Object.fromEntries(BEIJING.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** An external link only when it is http(s): anything else (javascript:, data:) is not rendered as a link. */
export function safeExternalUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const u = new URL(value.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The publicity decision in plain words for a record card: until when it stays public, how serious the engine
 * judged it and when repair opens — without the rule-set label ("2026 年规则") the explanation carries for staff.
 */
export function plainPublicity(explanation: string, publicUntil: string | null): string {
  const parts: string[] = [];
  const severity = /(一般|较重|严重|轻微)失信/u.exec(explanation)?.[1];
  const longest = /最长\s*([^；（）]+?)(?:；|（|$)/u.exec(explanation)?.[1]?.trim();
  if (publicUntil) parts.push(`公示至 ${formatDate(publicUntil)}${severity ? `（${severity}失信行为${longest ? `，最长公示 ${longest}` : ''}）` : ''}`);
  const repair = /(\d{4}-\d{2}-\d{2}\s*起)?可申请信用修复/u.exec(explanation);
  if (repair) parts.push(repair[1] ? `${repair[1].replace(/\s/gu, '')}可申请信用修复` : '现在可以申请信用修复');
  return parts.join('；');
}
