// The shapes every part of the row validator shares: the context and result of a row, the per-row
// scratch the steps write into, and the compiled model (catalogue item, header mapping, field roles,
// issue reporters) each step is built from once per import. validate.ts assembles the steps.
import type { CatalogItem, DataItem, FieldRole, SubjectCategory } from '../catalog/index.ts';
import { compileItem, type CompiledItem } from '../catalog/index.ts';
import type { WorkCalendar } from '../../platform/workCalendar.ts';
import type { PiiScreenPolicy } from '../../config.ts';
import type { PublicitySettings } from '../publicity/index.ts';
import type { HeaderMapping } from './headers.ts';
import type { RowSourceMeta } from './rows.ts';
import type { RowCode } from './validate.codes.ts';

export interface ValidationContext {
  /** "Today" for 决定日期 ≤ today and ID birth dates. */
  today: Date;
  calendar: WorkCalendar;
  /** When the department reported the data (upload time); timeliness runs to this day. */
  reportDate: Date;
  /** Values for roles a legacy file lacks (e.g. authority_uscc from the department profile). */
  defaults?: Partial<Record<FieldRole, string>>;
  /** Working days after which a report is late (default: the item's, else 7 — docs/domain/01-sgs.md §1.1). */
  lateAfterWorkingDays?: number;
  /** Amounts (万元) above this raise a unit warning (default 10 000 万元 = 1 亿元). */
  amountWarnAbove?: number;
  /** Personal numbers in public text: reject or warn per kind and field (config INGEST_PII_SCREEN; default DEFAULT_PII_SCREEN). */
  piiScreen?: PiiScreenPolicy;
  /**
   * 决定日期 before this ISO date raise decision_date_early (config INGEST_DECISION_DATE_WARN_BEFORE,
   * default DECISION_DATE_WARN_BEFORE); before 1949-10-01 a decision date is always refused.
   */
  decisionDateWarnBefore?: string;
  /** The publicity settings in force (fine ceilings): the receipt warns with the engine's own reading (issue 13). */
  publicity?: PublicitySettings;
}

export interface RowIssueOut {
  /** Field code; '' for a row-level issue. */
  field: string;
  /** The header as it appears in the upload (or the catalogue name). */
  header: string;
  code: string;
  message: string;
}

export interface SubjectInfo {
  category: SubjectCategory | null;
  name: string | null;
  uscc?: string;
  orgCode?: string;
  regNo?: string;
  idNumber?: string;
  /** codes-module kind for ID numbers (id, id15, hmt_permit, foreign_permit) or the 证件类型 code. */
  idKind?: string;
}

/** The dedup key (docs/domain/01-sgs.md §1.4 rule 7): record type, 文号, 机关 USCC, 相对人 code. */
export interface RecordKey {
  recordType: CatalogItem['recordType'];
  authorityUscc: string;
  docNo: string;
  subjectCode: string | null;
}

export interface RowResult {
  ok: boolean;
  /** Normalised values by field code: text, ISO date, number, enum code, set codes joined by ';'. */
  values: Record<string, string | number | null>;
  errors: readonly RowIssueOut[];
  warnings: readonly RowIssueOut[];
  /** 超期上报: more working days than allowed between decision and report. */
  late: boolean;
  workingDays: number | null;
  /** The working-day count touched a year without a holiday schedule. */
  provisional: boolean;
  /** 当前状态 = 无效/撤销: the record withdraws an earlier one from publicity (docs/domain/01-sgs.md §1.4 rule 7). */
  withdrawn: boolean;
  key?: RecordKey;
  subject: SubjectInfo;
}

/** A compiled validator for one item and one header mapping. */
export type RowValidator = (cells: readonly string[], ctx: ValidationContext, meta?: RowSourceMeta) => RowResult;

export type Value = string | number | null;

/** Per-row scratch state shared by the steps (reset, not reallocated, per row). */
export interface Scratch {
  values: Record<string, Value>;
  errors: RowIssueOut[] | null;
  warnings: RowIssueOut[] | null;
  /** Fields that already have an error (no required_missing on top). */
  failed: Set<string>;
  /** Set fields' codes, for conditions. */
  sets: Map<string, string[]>;
  numeric: readonly number[] | null;
  formula: readonly number[] | null;
  /** Placeholder text seen per field this row (null when none: the common case allocates nothing). */
  placeholders: Map<string, string> | null;
  /** The row's subject category, after legacy derivations. */
  category: SubjectCategory | null;
  /** The row's subject, built by the identifier checks (the one object of the result). */
  subject: SubjectInfo;
  /** Only an old code (organisation code / registration number) identifies the subject. */
  legacyOnly: boolean;
  /** Epoch days of today (China time) and of the decision (NaN when none), set by the date rules. */
  todayDay: number;
  decision: number;
  /** The decision date is before 1949-10-01. */
  implausible: boolean;
  /** Timeliness (超期上报), set by the timeliness rule. */
  workingDays: number | null;
  provisional: boolean;
  late: boolean;
}

/** A fresh scratch; one per validator, reset per row (validation is synchronous, so it is never shared). */
export function newScratch(): Scratch {
  return {
    values: {},
    errors: null,
    warnings: null,
    failed: new Set(),
    sets: new Map(),
    numeric: null,
    formula: null,
    placeholders: null,
    category: null,
    subject: { category: null, name: null },
    legacyOnly: false,
    todayDay: NaN,
    decision: NaN,
    implausible: false,
    workingDays: null,
    provisional: false,
    late: false,
  };
}

/** Adds an issue to the row; the message is prefixed with the field's header as uploaded. */
export type Report = (s: Scratch, field: string, code: RowCode, message: string) => void;

/** The item and mapping compiled once for all steps. */
export interface ValidatorModel {
  item: CatalogItem;
  mapping: HeaderMapping;
  c: CompiledItem;
  /** The field of a role, if the item has it. */
  role: (r: FieldRole) => DataItem | undefined;
  issue: (s: Scratch, kind: 'errors' | 'warnings', field: string, code: RowCode, message: string) => void;
  err: Report;
  warn: Report;
}

/** Compiles the item and the header reporters shared by every step. */
export function compileModel(item: CatalogItem, mapping: HeaderMapping): ValidatorModel {
  const c = compileItem(item);
  const headerOf = (code: string) => {
    const cols = mapping.sources[code];
    return cols?.length ? mapping.columns[cols[0]].header : (c.byCode.get(code)?.name ?? code);
  };
  const issue = (s: Scratch, kind: 'errors' | 'warnings', field: string, code: RowCode, message: string) => {
    const header = field ? headerOf(field) : '';
    const list = (s[kind] ??= []);
    list.push({ field, header, code, message: header ? `「${header}」${message}` : message });
    if (kind === 'errors' && field) s.failed.add(field);
  };
  return {
    item,
    mapping,
    c,
    role: (r) => c.byRole.get(r),
    issue,
    err: (s, field, code, message) => issue(s, 'errors', field, code, message),
    warn: (s, field, code, message) => issue(s, 'warnings', field, code, message),
  };
}
