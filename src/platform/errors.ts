// A small set of typed errors with stable machine codes, mapped to HTTP in one place (STYLE.md practice 8).
// The codes, their statuses and default messages live in one table: errorCodes.ts.
import { ERRORS, type ErrorCode } from './errorCodes.ts';

export { ERRORS, isErrorCode, type ErrorCode, type ErrorSpec } from './errorCodes.ts';

/** An expected failure with a stable code and a Chinese message that is safe to show; status and message default to the table's. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    public readonly status: number = ERRORS[code].status,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 401: not signed in, or the credential is no longer valid. */
export const unauthorized = (code: ErrorCode = 'unauthenticated', message: string = ERRORS[code].message) => new AppError(code, message, 401);
/** 403: signed in, but this role or department may not do it. */
export const forbidden = (code: ErrorCode = 'forbidden', message: string = ERRORS[code].message) => new AppError(code, message, 403);
/** 404: absent, or not visible to the caller (public paths use 404 so that nothing leaks). */
export const notFound = (code: ErrorCode = 'not_found', message: string = ERRORS[code].message) => new AppError(code, message, 404);
/** 409: conflicts with existing state. */
export const conflict = (code: ErrorCode, message: string = ERRORS[code].message, details?: unknown) => new AppError(code, message, 409, details);

/** PostgreSQL SQLSTATE codes we react to; matched by code, never by message text. */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  raiseException: 'P0001',
} as const;

/** True when err is a PostgreSQL error with the given SQLSTATE. */
export function isPgError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
