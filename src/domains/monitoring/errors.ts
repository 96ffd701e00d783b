// Typed errors of the monitoring domain: a closed set of stable machine codes (STYLE §8),
// each carrying a Chinese message for users and, for imports, one issue per offending row.
// They extend the platform's AppError, so the HTTP error handler and the CLI map them as usual.
import { AppError } from '../../platform/errors.ts';

export type MonitoringErrorCode =
  | 'invalid_taxonomy'
  | 'invalid_training_data'
  | 'invalid_tree'
  | 'tree_weights_mismatch'
  | 'invalid_scores'
  | 'invalid_events'
  | 'unknown_city'
  | 'no_data'
  | 'invalid_checklist'
  | 'invalid_effect_rules'
  | 'invalid_improvement'
  | 'invalid_weights'
  | 'unsupported_format'
  | 'file_not_found';

/** One problem in an imported file; `row` is the 1-based spreadsheet row (header = row 1). */
export interface RowIssue {
  row: number | null;
  message: string;
}

// Absent things are 404 over HTTP; everything else is a bad request.
const STATUS: Partial<Record<MonitoringErrorCode, number>> = { unknown_city: 404, no_data: 404, file_not_found: 404 };

/** Error raised by monitoring functions; `issues` lists every bad row of an import (also in `details`). */
export class MonitoringError extends AppError {
  declare readonly code: MonitoringErrorCode;
  readonly issues: RowIssue[];

  constructor(code: MonitoringErrorCode, message: string, issues: RowIssue[] = []) {
    super(code, message, STATUS[code] ?? 400, issues.length ? { issues } : undefined);
    this.name = 'MonitoringError';
    this.issues = issues;
  }
}

/** Builds one error from many row issues; the message lists them so a CLI user sees every problem. */
export function importError(code: MonitoringErrorCode, what: string, issues: RowIssue[], shown = 30): MonitoringError {
  const lines = issues.slice(0, shown).map((i) => (i.row === null ? i.message : `第 ${i.row} 行：${i.message}`));
  if (issues.length > shown) lines.push(`……另有 ${issues.length - shown} 处错误未列出`);
  return new MonitoringError(code, `${what}有 ${issues.length} 处错误：\n${lines.join('\n')}`, issues);
}
