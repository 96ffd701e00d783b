// Typed errors of the credit reports: stable machine codes (STYLE §8) with Chinese messages, mapped to
// HTTP by the app's one error handler (they extend AppError).
import { AppError } from '../../platform/errors.ts';

export type ReportErrorCode = 'subject_not_found' | 'personal_report_unavailable' | 'multipart_required' | 'file_required' | 'file_too_large';

export class ReportError extends AppError {
  declare readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, status: number) {
    super(code, message, status);
    this.name = 'ReportError';
  }
}
