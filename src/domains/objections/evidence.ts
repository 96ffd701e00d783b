// Evidence files of an objection (证明材料): PDF, JPG or PNG only, checked by their first bytes so that a file
// named .pdf that is not a PDF is refused; size and count limits. Every file is checked before anything is
// written, so a bad file leaves nothing behind.
import { sha256 } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { MEDIA_TYPE_NAMES, mediaTypeOfName, sniffMediaType, type MediaType } from '../../platform/attachments.ts';

/** At most this many files per filing or per supplement. */
export const MAX_FILES = 5;
/** At most this many bytes per file (5 MB: a scanned decision or judgment fits). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type EvidenceMime = MediaType;

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

/**
 * Checks every file (type by name and by content, size, count); throws a Chinese 422 on the first problem. The
 * limits are the credit office's settings (objections.settings.ts), MAX_FILES and MAX_FILE_BYTES by default.
 */
export function checkEvidence(files: readonly EvidenceInput[], opts: { required: boolean; maxFiles?: number; maxFileBytes?: number }): CheckedFile[] {
  const maxFiles = opts.maxFiles ?? MAX_FILES;
  const maxBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
  if (opts.required && !files.length) throw new AppError('objection_invalid', '请上传至少一份证明材料（PDF、JPG 或 PNG）', 422);
  if (files.length > maxFiles) throw new AppError('objection_too_many_files', `证明材料最多 ${maxFiles} 个文件，本次提交了 ${files.length} 个`, 422);
  return files.map((f) => {
    const name = f.name.trim().slice(0, 200) || '证明材料';
    const claimed = mediaTypeOfName(name);
    if (!claimed) throw new AppError('objection_file_type', `“${name}”不是 PDF、JPG 或 PNG 文件`, 422);
    const content = Buffer.from(f.contentBase64, 'base64');
    if (content.length > maxBytes) throw new AppError('objection_file_too_large', `“${name}”超过 ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`, 422);
    if (!content.length) throw new AppError('objection_file_fake', `“${name}”是空文件`, 422);
    const actual = sniffMediaType(content);
    if (actual !== claimed) throw new AppError('objection_file_fake', `“${name}”的内容不是${MEDIA_TYPE_NAMES[claimed]}文件，请上传原始文件`, 422);
    return { name, mime: claimed, bytes: content.length, sha256: sha256(content), content };
  });
}
