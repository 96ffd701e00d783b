// Batch screening (批量比对, issue 14 §5): a CSV (UTF-8/GBK) or XLSX of up to 100,000 subjects (USCC, ID number or
// name) → an XLSX with one row per input row and a summary sheet. The file is read once (readScreeningFile: the
// upload route counts and parses it, and hands the rows to the job); rows are matched and evaluated in chunks (a
// fixed number of statements per chunk); the check is stored only at the end, so a refused file leaves nothing.
import type { DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import { XlsxWriter } from '../../platform/xlsxwriter.ts';
import { checkIdNumber } from '../codes/index.ts';
import { assertFormat, isIngestError, readRows } from '../ingest/index.ts';
import { evaluate, storeCheck, type SubjectAnswer } from './check.service.ts';
import { resolveSubjects, type SubjectQuery } from './match.ts';
import { checkScenario } from './measures.ts';

/** The most rows a screening file may have (issue 14 §5). */
export const MAX_SCREENING_ROWS = 100_000;
const CHUNK = 5_000;

export interface ScreeningInput {
  secret: string;
  departmentId: number;
  userId?: number | null;
  scenario: string;
  fileName: string;
  /** The file as uploaded; or, instead, its rows as readScreeningFile read them (the upload hands them over). */
  bytes?: Buffer;
  rows?: readonly ScreeningRow[];
  /** Called after each chunk with the rows screened so far. */
  onProgress?: (done: number) => Promise<void> | void;
}

export interface ScreeningSummary {
  rows: number;
  found: number;
  black: number;
  red: number;
  notFound: number;
  review: number;
  invalid: number;
}

export interface ScreeningResult {
  checkId: string;
  caseNo: string;
  summary: ScreeningSummary;
  xlsx: Buffer;
  /**
   * Where the time went, in ms: reading the file (0 when its rows were handed over), waiting for a chunk's matches
   * (the part not hidden behind writing the chunk before), writing the XLSX, storing the check.
   */
  timings: ScreeningTimings;
}

export interface ScreeningTimings {
  readMs: number;
  matchMs: number;
  writeMs: number;
  storeMs: number;
}

/** One data row of a screening file: its row number in the file and what it asks. */
export interface ScreeningRow {
  row: number;
  q: SubjectQuery;
}

type Columns = { uscc: number | null; id: number | null; name: number | null; auto: number | null };

// Header words that name each key column; a file with none of them is read as one column of codes or names.
function columnsOf(header: readonly string[]): Columns {
  const find = (re: RegExp) => {
    const i = header.findIndex((h) => re.test(h.replace(/\s/g, '')));
    return i < 0 ? null : i;
  };
  const uscc = find(/信用代码|USCC/i);
  const id = find(/身份证|证件号/);
  const name = find(/名称|姓名|主体|企业|单位/);
  return { uscc, id, name, auto: uscc === null && id === null && name === null ? 0 : null };
}

function queryOf(cells: readonly string[], c: Columns): SubjectQuery {
  const cell = (i: number | null) => (i === null ? '' : (cells[i] ?? '').trim());
  if (c.auto !== null) {
    const v = cell(c.auto);
    // One column: its shape decides. 18 letters/digits are an ID number when they check as one, else a USCC.
    if (/^[0-9A-Z]{18}$/i.test(v) || /^\d{15}$/.test(v)) return checkIdNumber(v).verdict !== 'invalid' ? { idNumber: v } : { uscc: v };
    return { name: v };
  }
  return { uscc: cell(c.uscc) || null, idNumber: cell(c.id) || null, name: cell(c.name) || null };
}

const RESULT: Record<string, string> = { hit: '命中', clean: '未命中', not_found: '未找到', review: '待人工核实', invalid: '错误' };

function outcome(a: SubjectAnswer): keyof typeof RESULT {
  if (a.status === 'invalid') return 'invalid';
  if (a.status === 'not_found') return a.candidates.length ? 'review' : 'not_found';
  return a.black.length || a.red.length ? 'hit' : 'clean';
}

const HEADER = ['行号', '输入：统一社会信用代码', '输入：身份证号码', '输入：名称', '比对结果', '匹配方式', '主体名称', '主体统一社会信用代码', '黑名单', '红名单', '仍在公示期的严重失信处罚', '适用的惩戒措施及依据', '适用的激励措施及依据', '待人工核实的候选主体', '说明'];
// A list cell: its items joined by '；' ('' for none, most rows' lists, without making arrays for them).
const joined = <T>(items: readonly T[], text: (item: T) => string) => (items.length ? items.map(text).join('；') : '');
const entryText = (e: SubjectAnswer['black'][number]) => `${e.listName}（${e.decisionNo}）`;
const measureText = (m: SubjectAnswer['measures'][number]) => `${m.name}（依据：${m.legalBasis}${m.basisDocNo ? `，${m.basisDocNo}` : ''}）`;
const MATCHED: Record<string, string> = { uscc: '统一社会信用代码', id_number: '身份证号码', name: '名称', name_normalised: '名称（规范化）' };

/** The 413 of a file over the row limit (at upload and in the job alike: nothing is stored). */
const tooManyRows = () => new AppError('screening_too_many_rows', `比对文件超过 ${MAX_SCREENING_ROWS.toLocaleString('en-US')} 行，未保存任何内容，请拆分后分批上传`, 413);

/**
 * Reads a screening file (CSV UTF-8/GBK or XLSX) once into its rows: 400 for an unreadable file, 413 (stopping at
 * the first row over the limit) for more than MAX_SCREENING_ROWS rows. The streaming reader never loads an XLSX
 * workbook whole (zipguard's limits, a scan of the first sheet's XML).
 */
export async function readScreeningFile(bytes: Buffer, fileName: string): Promise<ScreeningRow[]> {
  const rows: ScreeningRow[] = [];
  let columns: Columns | null = null;
  try {
    const format = assertFormat(bytes.subarray(0, 8192), fileName);
    for await (const ev of readRows(bytes, { format, maxRows: MAX_SCREENING_ROWS, headerSearchRows: 5 })) {
      if (ev.kind === 'header') {
        columns = columnsOf(ev.cells);
        // A file of one column without a header word: its first row is data, not a header.
        if (columns.auto !== null) rows.push({ row: ev.rowNumber, q: queryOf(ev.cells, columns) });
      } else if (ev.kind === 'row') {
        rows.push({ row: ev.rowNumber, q: queryOf(ev.cells, columns!) });
      }
    }
  } catch (e) {
    if (isIngestError(e) && e.code === 'too_many_rows') throw tooManyRows();
    if (isIngestError(e)) throw new AppError('screening_file_invalid', e.message, 400);
    throw e;
  }
  // The header row of a one-column file counts as data, so it may be the row over the limit.
  if (rows.length > MAX_SCREENING_ROWS) throw tooManyRows();
  return rows;
}

/** Screens a file for a department; stores one check (channel screening) with its hits; returns the XLSX. */
export async function screenFile(db: DbOrTx, input: ScreeningInput, ctx: AuditContext): Promise<ScreeningResult> {
  checkScenario(input.scenario);
  const timings: ScreeningTimings = { readMs: 0, matchMs: 0, writeMs: 0, storeMs: 0 };
  let t = performance.now();
  const rows = input.rows ?? (await readScreeningFile(input.bytes ?? Buffer.alloc(0), input.fileName));
  timings.readMs = performance.now() - t;
  // Rows go straight to text and zlib (platform/xlsxwriter.ts): the same sheets and cells ExcelJS wrote, without
  // its objects per row and cell, which cost the most time and garbage of a 100,000-row file (issue 14 "Performance").
  const book = new XlsxWriter();
  const sheet = book.addSheet('比对结果');
  sheet.addRow(HEADER);
  const summary: ScreeningSummary = { rows: 0, found: 0, black: 0, red: 0, notFound: 0, review: 0, invalid: 0 };
  const hits: SubjectAnswer[] = [];

  const match = async (chunk: readonly ScreeningRow[]) => {
    const queries = chunk.map((p) => p.q);
    return evaluate(db, queries, await resolveSubjects(db, input.secret, queries), input.scenario);
  };
  const write = (chunk: readonly ScreeningRow[], answers: readonly SubjectAnswer[]) => {
    answers.forEach((a, i) => {
      const kind = outcome(a);
      summary.rows++;
      if (a.status === 'found') summary.found++;
      if (a.black.length) summary.black++;
      if (a.red.length) summary.red++;
      if (kind === 'not_found') summary.notFound++;
      if (kind === 'review') summary.review++;
      if (kind === 'invalid') summary.invalid++;
      // A hit is stored with its row number in the file (the answer is this function's own: no copy needed).
      if (kind === 'hit') hits.push(Object.assign(a, { index: chunk[i]!.row }));
      const text = [
        chunk[i]!.row,
        a.query.uscc ?? '',
        a.query.idNumber ?? '',
        a.query.name ?? '',
        RESULT[kind]!,
        a.matchedBy ? MATCHED[a.matchedBy]! : '',
        a.subject?.name ?? '',
        a.subject?.uscc ?? '',
        joined(a.black, entryText),
        joined(a.red, entryText),
        joined(a.seriousPenalties, (p) => p.docNo),
        joined(a.measures, measureText),
        joined(a.incentives, measureText),
        joined(a.candidates, (c) => `${c.name}${c.uscc ? `（${c.uscc}）` : ''}`),
        a.message,
      ];
      sheet.addRow(text.map((v) => (typeof v === 'string' ? neutraliseCell(v) : v)));
    });
  };

  // The next chunk is matched while this one is written: PostgreSQL works on the one while this process writes the
  // other (two cores), and the rows are still written in input order. A failed match is handled where it is
  // awaited (the no-op catch only keeps it from counting as unhandled while the chunk before is written).
  const start = (i: number) => {
    const chunk = rows.slice(i, i + CHUNK);
    const answers = match(chunk);
    answers.catch(() => undefined);
    return { i, chunk, answers };
  };
  // matchMs also counts starting a chunk's match (planning its queries runs before the first statement is sent).
  t = performance.now();
  let next = rows.length ? start(0) : null;
  timings.matchMs += performance.now() - t;
  while (next) {
    const { i, chunk } = next;
    t = performance.now();
    const answers = await next.answers;
    next = i + CHUNK < rows.length ? start(i + CHUNK) : null;
    timings.matchMs += performance.now() - t;
    t = performance.now();
    write(chunk, answers);
    await sheet.flush();
    timings.writeMs += performance.now() - t;
    await input.onProgress?.(summary.rows);
  }

  t = performance.now();
  const { checkId, caseNo, checkedAt } = await storeCheck(
    db,
    { departmentId: input.departmentId, channel: 'screening', userId: input.userId ?? null, scenario: input.scenario },
    hits,
    { fileName: input.fileName, summary, subjects: hits },
  );
  // storeCheck counted the hit rows only; the check covers every row of the file.
  await db.updateTable('sanction_checks').set({ subjects: summary.rows }).where('id', '=', checkId).execute();
  timings.storeMs = performance.now() - t;
  const s = book.addSheet('汇总');
  const lines: Array<[string, string | number]> = [
    ['核查编号', caseNo],
    ['文件', neutraliseCell(input.fileName)],
    ['业务场景', input.scenario],
    ['比对时间', checkedAt],
    ['总行数', summary.rows],
    ['在主体库中找到', summary.found],
    ['命中黑名单', summary.black],
    ['命中红名单', summary.red],
    ['未找到（不代表没有失信记录）', summary.notFound],
    ['待人工核实（相似名称，未计为命中）', summary.review],
    ['错误行（代码无效等）', summary.invalid],
  ];
  t = performance.now();
  for (const l of lines) s.addRow(l);
  const xlsx = await book.finish();
  timings.writeMs += performance.now() - t;
  await audit(db, ctx, { action: 'sanctions.screen', target: `sanction_check:${checkId}`, detail: { file: input.fileName, scenario: input.scenario, ...summary } });
  return { checkId, caseNo, summary, xlsx, timings };
}
