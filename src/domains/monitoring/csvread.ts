// CSV reading for the monitoring imports (scores, events): csv-parse with one set of options, and its
// errors in Chinese with the line (issue 17 §4: a clerk saw "Invalid Opening Quote: a quote is found on
// field 1 at line 3" on screen). Recognised by csv-parse's error codes, never by message text.
import { parse } from 'csv-parse/sync';

/** One parsed CSV record with the (1-based) file line it ended on. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

const MESSAGES: Record<string, string> = {
  INVALID_OPENING_QUOTE: '单元格中间出现了英文双引号（"）。含引号的内容须整格用双引号括起，格内的引号写成两个（""）',
  CSV_INVALID_CLOSING_QUOTE: '双引号括起的内容后面紧跟了其他字符。请检查该行的英文双引号（"）是否成对',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: '双引号括起的内容后面紧跟了其他字符。请检查该行的英文双引号（"）是否成对',
  CSV_QUOTE_NOT_CLOSED: '英文双引号（"）没有闭合，文件在引号内结束。请检查该行及以后的引号是否成对',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: '该行的列数与表头不一致',
  CSV_RECORD_INCONSISTENT_COLUMNS: '该行的列数与表头不一致',
  CSV_MAX_RECORD_SIZE: '该行过长，可能缺少换行或引号未闭合',
};

/** A csv-parse error in Chinese: 第 N 行：what is wrong and how to fix it (the code alone when unknown). */
export function csvErrorMessage(err: unknown): string {
  const e = err as { code?: string; lines?: number };
  const what = (e.code && MESSAGES[e.code]) ?? `无法按 CSV 格式读取（${e.code ?? '未知错误'}）。请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”或 .xlsx 再上传`;
  return typeof e.lines === 'number' && e.lines > 0 ? `第 ${e.lines} 行：${what}` : what;
}

/** Parses CSV text (BOM, empty lines and surrounding spaces tolerated) into records with their lines. */
export function parseCsvRecords(text: string): CsvRecord[] {
  return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as CsvRecord[];
}
