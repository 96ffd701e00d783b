// Evidence files of an objection (证明材料): PDF, JPG or PNG only, checked by their first bytes so that a file
// named .pdf that is not a PDF is refused; size and count limits. Every file is checked before anything is
// written, so a bad file leaves nothing behind.
import { sha256 } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';

/** At most this many files per filing or per supplement. */
export const MAX_FILES = 5;
/** At most this many bytes per file (5 MB: a scanned decision or judgment fits). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type EvidenceMime = 'application/pdf' | 'image/jpeg' | 'image/png';

/** One file as the portal sends it (JSON, base64 content). */
export interface EvidenceInput {
  name: string;
  contentBase64: string;
}

export interface CheckedFile {
  name: string;
  mime: EvidenceMime;
  bytes: number;
  sha256: string;
  content: Buffer;
}

const BY_EXTENSION: Record<string, EvidenceMime> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
const LABEL: Record<EvidenceMime, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };

/** The type the first bytes show, or null. */
export function sniffEvidence(b: Buffer): EvidenceMime | null {
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** Checks every file (type by name and by content, size, count); throws a Chinese 422 on the first problem. */
export function checkEvidence(files: readonly EvidenceInput[], opts: { required: boolean }): CheckedFile[] {
  if (opts.required && !files.length) throw new AppError('objection_invalid', '请上传至少一份证明材料（PDF、JPG 或 PNG）', 422);
  if (files.length > MAX_FILES) throw new AppError('objection_too_many_files', `证明材料最多 ${MAX_FILES} 个文件，本次提交了 ${files.length} 个`, 422);
  return files.map((f) => {
    const name = f.name.trim().slice(0, 200) || '证明材料';
    const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
    const claimed = BY_EXTENSION[ext];
    if (!claimed) throw new AppError('objection_file_type', `“${name}”不是 PDF、JPG 或 PNG 文件`, 422);
    const content = Buffer.from(f.contentBase64, 'base64');
    if (content.length > MAX_FILE_BYTES) throw new AppError('objection_file_too_large', `“${name}”超过 ${MAX_FILE_BYTES / 1024 / 1024} MB`, 422);
    if (!content.length) throw new AppError('objection_file_fake', `“${name}”是空文件`, 422);
    const actual = sniffEvidence(content);
    if (actual !== claimed) throw new AppError('objection_file_fake', `“${name}”的内容不是${LABEL[claimed]}文件，请上传原始文件`, 422);
    return { name, mime: claimed, bytes: content.length, sha256: sha256(content), content };
  });
}
