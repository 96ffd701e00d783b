// Result types shared by every code checker, and the one rule that turns reasons into a verdict.

export type Verdict = 'valid' | 'warning' | 'invalid';
export type CodeKind = 'uscc' | 'org' | 'id' | 'hmt_permit' | 'foreign_permit' | 'id15' | 'regno' | 'unknown';

/** One finding: a stable machine code plus a Chinese message for people. */
export interface Reason {
  code: string;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

export interface CodeResult {
  input: string;
  normalized: string;
  kind: CodeKind;
  verdict: Verdict;
  reasons: Reason[];
  parsed?: Record<string, unknown>;
}

/**
 * Normalisation notes are warnings (the caller should store the normalised form and may want to
 * tell the sender), but the issue requires that a normalised input keeps its verdict: they are
 * therefore left out of the verdict.
 */
export const NORMALIZATION_CODES: ReadonlySet<string> = new Set([
  'normalized_whitespace',
  'normalized_fullwidth',
  'normalized_case',
]);

/** Derives the verdict: any error → invalid, else any non-normalisation warning → warning. */
export function verdictOf(reasons: readonly Reason[]): Verdict {
  let verdict: Verdict = 'valid';
  for (const r of reasons) {
    if (r.severity === 'error') return 'invalid';
    if (r.severity === 'warning' && !NORMALIZATION_CODES.has(r.code)) verdict = 'warning';
  }
  return verdict;
}

/** Builds a CodeResult with its verdict derived from the reasons. */
export function result(
  input: string,
  normalized: string,
  kind: CodeKind,
  reasons: Reason[],
  parsed?: Record<string, unknown>,
): CodeResult {
  const r: CodeResult = { input, normalized, kind, verdict: verdictOf(reasons), reasons };
  if (parsed) r.parsed = parsed;
  return r;
}

/** Shorthand constructors keep the call sites one line long. */
export const err = (code: string, message: string): Reason => ({ code, message, severity: 'error' });
/** A finding that lets the code through but should be looked at. */
export const warn = (code: string, message: string): Reason => ({ code, message, severity: 'warning' });
/** A remark that does not affect the verdict. */
export const info = (code: string, message: string): Reason => ({ code, message, severity: 'info' });
