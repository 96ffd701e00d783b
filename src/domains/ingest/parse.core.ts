// The read side of an import as one stream, the same in the parse worker (parse.worker.ts) and in the main
// thread: the validation chain (pipeline.ts validateSheet), the authority rule (ownership.ts), the receipt's
// per-code warnings, and, where a StageContext is given, the staging of each accepted row (staging.ts
// stageRow: key, values as JSON, content hash; the main thread completes the rows that write). Rows come out in
// batches, so that the worker hands them over in a few messages with their staged values in transferable buffers.
import type { HeaderMapping } from './headers.ts';
import type { FileError, SheetCheckEvent } from './pipeline.ts';
import { validateSheet } from './pipeline.ts';
import type { SheetEvent, SheetHeader } from './rows.ts';
import { SCREEN_CODES } from './screen.ts';
import { LineArena } from './copytext.ts';
import { stageRow, type StageContext, type StagedRow } from './staging.ts';
import { RECEIPT_ROW_WARNINGS, type RowIssueOut, type ValidationContext } from './validate.ts';
import type { CatalogItem } from '../catalog/index.ts';

/** Rows accepted with a personal-data warning of the public-field screen, per code (the first message as example). */
export interface RowWarningSummary {
  code: string;
  message: string;
  rows: number;
  /** The first 20 row numbers. */
  rowNumbers: number[];
}

/** What the read side yields: the header with its mapping, batches of rows in file order, then the end. */
export type ParsedEvent =
  | { type: 'header'; header: SheetHeader; mapping: HeaderMapping }
  | { type: 'rows'; rows: StagedRow[] }
  | {
      type: 'end';
      /** Why the file cannot be imported (no header, headers that do not fit, no data rows); empty otherwise. */
      fileErrors: FileError[];
      /** The receipt's per-code warning summary over every accepted row. */
      warnings: RowWarningSummary[];
    };

export interface ParseOptions {
  item: CatalogItem;
  ctx: ValidationContext;
  /** The authority rule of the batch (ownership.ts authorityRule); null for a credit-office correction. */
  authority: ((values: Readonly<Record<string, string | number | null>>) => RowIssueOut[]) | null;
  /** Stage accepted rows here (the worker); without it the commit stages them (staging.ts chunksOf). */
  stage?: StageContext;
  /** Rows per yielded batch. */
  batchRows: number;
  /** Called with each row as read, before validation (the review step keeps it: review.ts). */
  onRawRow?: (row: Extract<SheetEvent, { kind: 'row' }>) => void;
}

const SCREEN_WARNING_CODES: ReadonlySet<string> = new Set([...Object.values(SCREEN_CODES), ...RECEIPT_ROW_WARNINGS]);

/** Adds a row's screen warnings (and RECEIPT_ROW_WARNINGS) to the per-code summary (each code once per row). */
function noteScreenWarnings(into: Map<string, RowWarningSummary>, rowNumber: number, warnings: readonly { code: string; message: string }[]): void {
  for (const w of warnings) {
    if (!SCREEN_WARNING_CODES.has(w.code)) continue;
    let s = into.get(w.code);
    if (!s) into.set(w.code, (s = { code: w.code, message: w.message, rows: 0, rowNumbers: [] }));
    if (s.rowNumbers.at(-1) === rowNumber) continue;
    s.rows++;
    if (s.rowNumbers.length < 20) s.rowNumbers.push(rowNumber);
  }
}

const KEY_MISSING: readonly RowIssueOut[] = [{ field: '', header: '', code: 'record_key_missing', message: '缺少记录主键（机关统一社会信用代码与决定文书号）' }];

/**
 * Reads and validates a sheet's events into batches of staged rows: accepted (with their staged version when
 * `stage` is given) or rejected with their errors (validation, authority rule, or a missing record key).
 * File-level read failures (IngestError) propagate from the reader.
 */
export async function* parseSheet(events: AsyncIterable<SheetEvent>, o: ParseOptions): AsyncGenerator<ParsedEvent> {
  const warnings = new Map<string, RowWarningSummary>();
  let batch: StagedRow[] = [];
  // A batch's staged lines live in an arena of their own, so the worker can hand its buffers over.
  let arena = o.stage ? new LineArena() : null;
  const source = o.onRawRow ? tap(events, o.onRawRow) : events;
  for await (const ev of validateSheet(source, { item: o.item, ctx: o.ctx }) as AsyncGenerator<SheetCheckEvent>) {
    if (ev.type === 'header') {
      yield { type: 'header', header: ev.header, mapping: ev.mapping };
      continue;
    }
    if (ev.type === 'end') {
      if (batch.length) yield { type: 'rows', rows: batch };
      yield { type: 'end', fileErrors: ev.fileErrors, warnings: [...warnings.values()] };
      return;
    }
    const r = ev.result;
    const denied = r.ok && r.key && o.authority ? o.authority(r.values) : null;
    if (denied?.length) batch.push({ kind: 'rejected', rowNumber: ev.rowNumber, cells: ev.cells, errors: denied });
    else if (r.ok && r.key) {
      if (r.warnings.length) noteScreenWarnings(warnings, ev.rowNumber, r.warnings);
      batch.push(
        arena
          ? { kind: 'accepted', rowNumber: ev.rowNumber, result: r, cells: ev.cells, staged: stageRow(ev.rowNumber, r, ev.cells, o.stage!, arena) }
          : { kind: 'accepted', rowNumber: ev.rowNumber, result: r, cells: ev.cells },
      );
    } else batch.push({ kind: 'rejected', rowNumber: ev.rowNumber, cells: ev.cells, errors: r.errors.length ? r.errors : KEY_MISSING });
    if (batch.length >= o.batchRows) {
      yield { type: 'rows', rows: batch };
      batch = [];
      if (arena) arena = new LineArena();
    }
  }
}

async function* tap(events: AsyncIterable<SheetEvent>, onRow: (row: Extract<SheetEvent, { kind: 'row' }>) => void): AsyncGenerator<SheetEvent> {
  for await (const ev of events) {
    if (ev.kind === 'row') onRow(ev);
    yield ev;
  }
}
