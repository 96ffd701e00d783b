// Typed errors of the publicity domain: stable machine codes (STYLE §8) with Chinese messages.
// They extend the platform's AppError, so the HTTP error handler maps them as usual.
import { AppError } from '../../platform/errors.ts';

export type PublicityErrorCode = 'invalid_rule_set' | 'invalid_settings';

/** Raised when a rule set or a settings object fails validation; `issues` lists every problem. */
export class PublicityError extends AppError {
  declare readonly code: PublicityErrorCode;
  readonly issues: string[];

  constructor(code: PublicityErrorCode, message: string, issues: string[] = []) {
    super(code, message, 400, issues.length ? { issues } : undefined);
    this.name = 'PublicityError';
    this.issues = issues;
  }
}
