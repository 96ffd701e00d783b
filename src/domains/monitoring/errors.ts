// Typed errors of the monitoring domain: a closed set of stable machine codes (STYLE §8),
// each carrying a Chinese message for users and, for imports, one issue per offending row.

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
  | 'unsupported_format';

/** One problem in an imported file; `row` is the 1-based spreadsheet row (header = row 1). */
export interface RowIssue {
  row: number | null;
  message: string;
}

/** Error raised by monitoring functions; `issues` lists every bad row of an import. */
export class MonitoringError extends Error {
  readonly code: MonitoringErrorCode;
  readonly issues: RowIssue[];

  constructor(code: MonitoringErrorCode, message: string, issues: RowIssue[] = []) {
    super(message);
    this.name = 'MonitoringError';
    this.code = code;
    this.issues = issues;
  }
}

/** Builds one error from many row issues; the message lists them so a CLI user sees every problem. */
export function importError(code: MonitoringErrorCode, what: string, issues: RowIssue[], shown = 30): MonitoringError {
  const lines = issues.slice(0, shown).map((i) => (i.row === null ? i.message : `第 ${i.row} 行：${i.message}`));
  if (issues.length > shown) lines.push(`……另有 ${issues.length - shown} 处错误未列出`);
  return new MonitoringError(code, `${what}有 ${issues.length} 处错误：\n${lines.join('\n')}`, issues);
}
