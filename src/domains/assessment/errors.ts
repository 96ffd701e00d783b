// Typed errors of the assessment domain: stable machine codes with Chinese messages (STYLE §8). They
// extend the platform's AppError, so the HTTP error handler and the CLI map them as usual.
import { AppError } from '../../platform/errors.ts';

export type AssessmentErrorCode = 'invalid_weights';

/** Error raised by the scorecard core (a bad request: 400). */
export class AssessmentError extends AppError {
  declare readonly code: AssessmentErrorCode;

  constructor(code: AssessmentErrorCode, message: string) {
    super(code, message, 400);
    this.name = 'AssessmentError';
  }
}
