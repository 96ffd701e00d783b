// Recognises what an upload really is from its first bytes, so that a PDF renamed to .xlsx or
// an .xlsx renamed to .csv is refused with a clear message instead of failing deep in a parser.
import { IngestError } from './errors.ts';

export type SheetFormat = 'csv' | 'xlsx' | 'xls';

/** What the bytes look like. */
export type DetectedKind =
  | 'xlsx'
  | 'xls'
  | 'text'
  | 'html'
  | 'xml'
  | 'encrypted'
  | 'docx'
  | 'pptx'
  | 'zip'
  | 'ole'
  | 'pdf'
  | 'image'
  | 'archive'
  | 'binary'
  | 'empty';

export type SniffResult =
  | { ok: true; format: SheetFormat; detected: DetectedKind }
  | { ok: false; code: 'empty_file' | 'not_a_spreadsheet' | 'file_type_mismatch'; message: string; detected: DetectedKind; claimed: string };

const KIND_LABEL: Record<DetectedKind, string> = {
  xlsx: 'Excel 工作簿（.xlsx）',
  xls: 'Excel 97-2003 工作簿（.xls）',
  text: '文本/CSV 文件',
  html: '网页（HTML）文件',
  xml: 'XML 文件',
  encrypted: '加密的 Office 文件（设置了打开密码，请取消密码后重新上传）',
  docx: 'Word 文档',
  pptx: 'PowerPoint 演示文稿',
  zip: 'ZIP 压缩包',
  ole: 'Office 97-2003 文档（非 Excel）',
  pdf: 'PDF 文件',
  image: '图片',
  archive: '压缩包',
  binary: '二进制文件',
  empty: '空文件',
};

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

function latin1(b: Uint8Array, max = 4096): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, max)).toString('latin1');
}

/** Classifies the first bytes of a file (give at least 4 KiB when available). */
export function detectKind(first: Uint8Array): DetectedKind {
  if (first.length === 0) return 'empty';
  if (startsWith(first, [0x50, 0x4b, 0x03, 0x04]) || startsWith(first, [0x50, 0x4b, 0x05, 0x06])) {
    // An OOXML package names its parts in the local headers; the first is usually [Content_Types].xml.
    const names = latin1(first, 64 * 1024);
    if (names.includes('xl/')) return 'xlsx';
    if (names.includes('word/')) return 'docx';
    if (names.includes('ppt/')) return 'pptx';
    // [Content_Types].xml alone does not say which Office type; let the xlsx reader decide.
    if (names.includes('[Content_Types].xml')) return 'xlsx';
    return 'zip';
  }
  if (startsWith(first, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // CFB container: Excel 97-2003 has a "Workbook" (or "Book") stream; Word has "WordDocument".
    const s = Buffer.from(first).toString('utf16le');
    if (s.includes('EncryptedPackage')) return 'encrypted'; // password-protected .xlsx
    if (s.includes('WordDocument') || s.includes('PowerPoint')) return 'ole';
    return 'xls';
  }
  if (startsWith(first, [0x25, 0x50, 0x44, 0x46])) return 'pdf'; // %PDF
  if (
    startsWith(first, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(first, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(first, [0x47, 0x49, 0x46, 0x38]) // GIF
  ) {
    return 'image';
  }
  if (
    startsWith(first, [0x52, 0x61, 0x72, 0x21]) || // RAR
    startsWith(first, [0x37, 0x7a, 0xbc, 0xaf]) || // 7z
    startsWith(first, [0x1f, 0x8b]) // gzip
  ) {
    return 'archive';
  }
  // UTF-16 text has NUL bytes but a BOM; anything else with NUL or many control bytes is binary.
  const utf16 = startsWith(first, [0xff, 0xfe]) || startsWith(first, [0xfe, 0xff]);
  if (!utf16) {
    const n = Math.min(first.length, 8192);
    let ctl = 0;
    for (let i = 0; i < n; i++) {
      const c = first[i];
      if (c === 0) return 'binary';
      if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) ctl++;
    }
    if (ctl > n / 10) return 'binary';
  }
  const head = latin1(first, 1024).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<table')) return 'html';
  // e.g. Excel 2003 "XML 电子表格" saved under .xls
  if (head.startsWith('<?xml')) return 'xml';
  return 'text';
}

/** The lower-case extension of a file name, without the dot ('' when none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i + 1).toLowerCase();
}

const FORMAT_OF_KIND: Partial<Record<DetectedKind, SheetFormat>> = { xlsx: 'xlsx', xls: 'xls', text: 'csv' };

/**
 * Checks that the bytes are what the extension claims: .csv/.txt must be text, .xlsx an OOXML
 * zip, .xls a CFB file. Files without a known extension are judged by content alone.
 * Errors: `empty_file`, `not_a_spreadsheet` (PDF, image, Word …), `file_type_mismatch`
 * (a real spreadsheet under the wrong extension, e.g. xlsx renamed to .csv).
 */
export function sniffFormat(firstBytes: Uint8Array, filename: string): SniffResult {
  const ext = extensionOf(filename);
  const detected = detectKind(firstBytes);
  const claimed = ext === 'txt' || ext === 'tsv' ? 'csv' : ext;
  if (detected === 'empty') return { ok: false, code: 'empty_file', message: '文件为空', detected, claimed };
  const actual = FORMAT_OF_KIND[detected];
  if (!actual) {
    return {
      ok: false,
      code: 'not_a_spreadsheet',
      message: `文件内容是${KIND_LABEL[detected]}，不是电子表格。请上传按模板填写的 .xlsx、.xls 或 .csv 文件`,
      detected,
      claimed,
    };
  }
  if (claimed !== 'csv' && claimed !== 'xlsx' && claimed !== 'xls') return { ok: true, format: actual, detected };
  if (claimed !== actual) {
    return {
      ok: false,
      code: 'file_type_mismatch',
      message: `文件扩展名为 .${ext}，但内容是${KIND_LABEL[detected]}。请用 Excel 打开后另存为正确的格式再上传，或改正扩展名`,
      detected,
      claimed,
    };
  }
  return { ok: true, format: actual, detected };
}

/** sniffFormat that throws an IngestError on failure. */
export function assertFormat(firstBytes: Uint8Array, filename: string): SheetFormat {
  const r = sniffFormat(firstBytes, filename);
  if (!r.ok) throw new IngestError(r.code, r.message, { detected: r.detected, claimed: r.claimed });
  return r.format;
}
