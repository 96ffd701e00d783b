// File-level ingest failures: the whole upload is refused with a stable code and a Chinese
// message (STYLE.md practice 8). Row-level problems are not thrown; they travel with the row.
import { AppError } from '../../platform/errors.ts';

export const FILE_ERROR_CODES = [
  'empty_file',
  'not_a_spreadsheet',
  'file_type_mismatch',
  'file_too_large',
  'zip_bomb',
  'encoding_mixed',
  'encoding_unknown',
  'too_many_rows',
  'too_many_columns',
  'no_header',
  'xlsx_unreadable',
  'xls_unreadable',
  'parse_memory_exceeded',
] as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

/** A refused upload. `details` carries machine-readable context (line number, sizes …). */
export class IngestError extends AppError {
  constructor(
    public readonly code: FileErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, code === 'file_too_large' ? 413 : 422, details);
    this.name = 'IngestError';
  }
}

/** True when err is an IngestError (optionally with the given code). */
export function isIngestError(err: unknown, code?: FileErrorCode): err is IngestError {
  return err instanceof IngestError && (code === undefined || err.code === code);
}
