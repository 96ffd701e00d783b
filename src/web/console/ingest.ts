// Labels and formatting shared by the 数据归集, 回执, 归集记录, 归集统计 and 资源目录 pages.
import type { BatchStatus, CatalogField, CatalogStatus, IngestChannel } from '../api/types';

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

interface Label {
  label: string;
  type: TagType;
}

const BATCH_STATUS: Record<BatchStatus, Label> = {
  processing: { label: '校验中', type: 'primary' },
  committed: { label: '已入库', type: 'success' },
  rejected: { label: '已退回', type: 'danger' },
  failed: { label: '处理失败', type: 'danger' },
  pending_review: { label: '待审核', type: 'warning' },
  returned: { label: '审核退回', type: 'danger' },
};

/** 批次状态 label and tag colour; unknown values are shown as sent. */
export function batchStatus(status: string): Label {
  return (BATCH_STATUS as Record<string, Label>)[status] ?? { label: status, type: 'info' };
}

const CHANNELS: Record<IngestChannel, string> = {
  file: '文件上传',
  api: '接口报送',
  form: '在线填报',
  cli: '命令行导入',
};

/** 报送渠道 label. */
export function channelLabel(channel: string | null | undefined): string {
  if (!channel) return '—';
  return (CHANNELS as Record<string, string>)[channel] ?? channel;
}

const CATALOG_STATUS: Record<CatalogStatus, Label> = {
  draft: { label: '草稿', type: 'info' },
  in_review: { label: '待审核', type: 'warning' },
  active: { label: '已启用', type: 'success' },
  retired: { label: '已停用', type: 'info' },
};

/** 目录项版本状态 label and tag colour. */
export function catalogStatus(status: string): Label {
  return (CATALOG_STATUS as Record<string, Label>)[status] ?? { label: status, type: 'info' };
}

const RECORD_TYPES: Record<string, string> = {
  permit: '行政许可',
  penalty: '行政处罚',
  red_list: '红名单',
  black_list: '黑名单',
  other: '其他',
  commitment: '信用承诺',
};

/** 记录类型 label. */
export function recordTypeLabel(type: string): string {
  return RECORD_TYPES[type] ?? type;
}

const FIELD_TYPES: Record<string, string> = {
  string: '字符型',
  date: '日期型',
  integer: '整数型',
  decimal: '浮点型',
  enum: '枚举型',
  set: '集合型',
};

/** 数据类型 label of a catalogue field. */
export function fieldTypeLabel(type: string): string {
  return FIELD_TYPES[type] ?? type;
}

/** Whether a field's required rule is unconditional (the server sends the rule as Chinese text). */
export function alwaysRequired(f: CatalogField): boolean {
  return f.required === '必填';
}

/** Enum label of a stored value ("03" → "罚款"); set values ("01、03") are mapped part by part. */
export function displayValue(f: CatalogField | undefined, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value);
  if (!f?.enum?.length) return text;
  const byCode = new Map(f.enum.map((e) => [e.code, e.label]));
  if (f.type === 'set') {
    return text
      .split(/[、;；,，|]/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => byCode.get(p) ?? p)
      .join('、');
  }
  return byCode.get(text) ?? text;
}

/**
 * A row error's message without its leading 「column」: the server names the column in the message,
 * and where the page already shows the column (a label, a bold prefix) it would read twice.
 */
export function stripColumn(message: string, ...columns: (string | null | undefined)[]): string {
  for (const c of columns) {
    if (c && message.startsWith(`「${c}」`)) return message.slice(c.length + 2).trimStart() || message;
  }
  return message;
}

/** 1536 → "1.5 KB"; binary units, at most one decimal. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 || Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${units[i]}`;
}

/** A share 0–1 as a percentage with one decimal ("12.5%"); '—' when unknown. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(1)}%`;
}

/** Thousands separators for counts. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('zh-CN');
}

/** Lower-cased file extension with the dot, or '' when there is none. */
export function fileExtension(name: string): string {
  const i = name.lastIndexOf('.');
  return i >= 0 ? name.slice(i).toLowerCase() : '';
}

/** File types the upload accepts. */
export const UPLOAD_EXTENSIONS = ['.csv', '.xlsx', '.xls'] as const;
