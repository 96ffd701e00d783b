// Uploaded files of the monitoring services (events, checklist, scores): how their bytes become text
// and which formats are accepted, by the same sniffing and zip guard as 归集 uploads.
import { assertFormat, assertSafeZip, decodeBuffer } from '../ingest/index.ts';
import { MonitoringError } from './errors.ts';

/** One uploaded file: its name as sent and its bytes. */
export interface Upload {
  filename: string;
  buffer: Buffer;
}

/** CSV bytes as text: UTF-8, else GB18030 (both strict), the same rules as 归集 uploads. */
export async function uploadText(buffer: Buffer): Promise<string> {
  return (await decodeBuffer(buffer)).text;
}

/** 'csv' or 'xlsx' by content and extension; an .xlsx passes the zip-bomb guard before it is opened. */
export async function uploadFormat(up: Upload): Promise<'csv' | 'xlsx'> {
  const format = assertFormat(up.buffer.subarray(0, 4096), up.filename);
  if (format === 'xls') throw new MonitoringError('unsupported_format', '不支持旧版 .xls 文件，请用 Excel 另存为 .xlsx 后上传');
  if (format === 'xlsx') await assertSafeZip(up.buffer);
  return format;
}
