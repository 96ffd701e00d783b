// Labels, colours, number and month helpers shared by the 城市信用监测 pages.
import type { Role } from '../../api/types';
import type { InstitutionStatus, Polarity, Relation } from '../../api/monitoring';
import type { TagType } from '../ingest';

/** Roles the server lets change monitoring data (events, checklist, weights, scores); others only read. */
export const MONITORING_WRITE_ROLES: readonly Role[] = ['admin'];

export function canWriteMonitoring(role: Role | null | undefined): boolean {
  return Boolean(role && MONITORING_WRITE_ROLES.includes(role));
}

interface Label {
  label: string;
  type: TagType;
}

const POLARITY: Record<Polarity, Label> = { good: { label: '优良', type: 'success' }, bad: { label: '不良', type: 'danger' } };

export function polarityLabel(p: string): Label {
  return (POLARITY as Record<string, Label>)[p] ?? { label: p, type: 'info' };
}

export const POLARITY_OPTIONS: { value: Polarity; label: string }[] = [
  { value: 'bad', label: '不良' },
  { value: 'good', label: '优良' },
];

const RELATION: Record<Relation, Label> = {
  below: { label: '低于平均', type: 'danger' },
  equal: { label: '持平', type: 'info' },
  above: { label: '高于平均', type: 'success' },
};

export function relationLabel(r: string): Label {
  return (RELATION as Record<string, Label>)[r] ?? { label: r, type: 'info' };
}

const STATUS: Record<InstitutionStatus, Label & { short: string; color: string }> = {
  national: { label: '国家/省级已落实', short: '已落实', type: 'success', color: '#67c23a' },
  municipal: { label: '市级已出台', short: '已出台', type: 'primary', color: '#409eff' },
  blank: { label: '空白', type: 'danger', short: '空白', color: '#f56c6c' },
};

export const STATUS_ORDER: InstitutionStatus[] = ['national', 'municipal', 'blank'];

export function statusLabel(s: string): Label & { short: string; color: string } {
  return (STATUS as Record<string, Label & { short: string; color: string }>)[s] ?? { label: s, short: s, type: 'info', color: '#909399' };
}

/** A score or gap with up to two decimals ("12.5", "-0.37"); '—' when unknown. */
export function formatScore(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return String(Math.round(n * 100) / 100);
}

/** A signed difference ("+0.42", "-1.3", "0"). */
export function formatDelta(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const r = Math.round(n * 100) / 100;
  return r > 0 ? `+${r}` : String(r);
}

/** A probability or share 0–1 as a whole percentage ("87%"). */
export function formatPercent(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return `${Math.round(n * 100)}%`;
}

// ---------------------------------------------------------------- months (YYYY-MM)

const pad = (n: number): string => String(n).padStart(2, '0');

/** The current month in China time (UTC+8), as the server counts months. */
export function currentMonth(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 7);
}

/** The month `delta` months after (negative: before) a YYYY-MM month. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + delta;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

/** The `count` months ending with `last`, oldest first. */
export function monthsEnding(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, k) => addMonths(last, k - count + 1));
}

/** "2017-12" → "2017年12月". */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
