// Display helpers shared by console pages.
import { batchStatus, channelLabel, type TagType } from './ingest';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DD HH:mm:ss` in the browser's time zone; '—' for empty or unparseable values. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Render an audit `detail` (string or JSON) as plain text; templates escape it. */
export function formatDetail(detail: unknown): string {
  if (detail === null || detail === undefined || detail === '') return '';
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

/** Copy text to the clipboard; falls back to a hidden textarea where the API is unavailable (plain HTTP). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(ta);
  return ok;
}

/**
 * 批次状态 with the outcome in mind: a committed batch that accepted nothing (every row returned) is not
 * the green 已入库 a clerk reads as "done", but 全部退回 in the warning colour.
 */
export function batchStatusLabel(batch: { status: string; accepted?: number | null; rejected?: number | null }): { label: string; type: TagType } {
  if (batch.status === 'committed' && (batch.accepted ?? 0) === 0 && (batch.rejected ?? 0) > 0) return { label: '全部退回', type: 'warning' };
  return batchStatus(batch.status);
}

/**
 * The receipt's 文件 line: the file name and its format for file and CLI imports; for the online form and
 * the API, which send no file, the channel itself (在线填报 / 接口报送) instead of "— （JSON）".
 */
export function receiptSource(r: { channel?: string | null; fileName?: string | null; format?: string | null; encoding?: string | null }): { name: string; info: string } {
  if (r.channel === 'form' || r.channel === 'api') return { name: channelLabel(r.channel), info: '' };
  const info = [r.format ? r.format.toUpperCase() : '', r.encoding ? r.encoding.toUpperCase() : ''].filter(Boolean).join(' · ');
  return { name: r.fileName || '—', info };
}

/** 数据项 in the downloadable template: the item's fields minus local-only ones (`inTemplate: false`), as the server writes the template. */
export function templateFieldCount(fields: ReadonlyArray<{ inTemplate?: boolean }>): number {
  return fields.filter((f) => f.inTemplate !== false).length;
}
