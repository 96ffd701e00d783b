// Builds the engine's input from validated catalogue values (ingest/validate.ts RowResult.values:
// ISO dates, numbers, enum codes, set codes joined by ';'), for 行政处罚 / 行政许可 v2 (docs/domain/01-sgs.md §1.3)
// and the red/black lists (§2.2). Fields the formats do not carry (repair date, explicit class,
// 简易程序) come in `extra`, from the record's versions.
import { addMonths, parseDay } from './dates.ts';
import type { PublicityInput } from './publicity.schemas.ts';

type Values = Readonly<Record<string, string | number | null | undefined>>;

const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const num = (v: string | number | null | undefined): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

// Codes of SUBJECT_CATEGORY_ENUM / ID_TYPE_ENUM / RECORD_STATUS_ENUM / LIST_STATUS_ENUM (catalog/builtin/enums.ts).
const NATURAL_PERSON = '2';
const RESIDENT_ID = '01';
const STATUS_INVALID = '2';
const LIST_REMOVED = '2';
const LIST_REPAIRED = '3';

/**
 * Whether the holder of a resident ID number (18 digits, or the 15-digit first generation) was
 * under 18 on `date`; null when the number carries no readable birth date.
 */
export function isMinorOn(idNumber: string | null | undefined, date: string): boolean | null {
  const s = (idNumber ?? '').trim().toUpperCase();
  let birth: string;
  if (/^\d{17}[\dX]$/.test(s)) birth = s.slice(6, 14);
  else if (/^\d{15}$/.test(s)) birth = '19' + s.slice(6, 12);
  else return null;
  const b = parseDay(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`);
  const day = parseDay(date);
  if (Number.isNaN(b) || Number.isNaN(day)) return null;
  return day < addMonths(b, 18 * 12);
}

/** Names under which a department may send 处罚程序 (简易/普通); the v2 catalogue has no such field yet. */
export const PROCEDURE_FIELDS = ['CF_CFCX', '处罚程序'] as const;
const WARNING = '01';
const FINE = '03';
/** 行政处罚法 art. 51: 当场处罚 up to 200 元 for a 公民, 3 000 元 for an organisation (in 万元). */
const SIMPLE_FINE_PERSON = 0.02;
const SIMPLE_FINE_ORGANISATION = 0.3;

/** 处罚程序 as sent: true = 简易, false = 普通, undefined = not sent or unreadable. */
export function simpleProcedureOf(values: Values): boolean | undefined {
  for (const f of PROCEDURE_FIELDS) {
    const v = str(values[f])?.trim();
    if (!v) continue;
    if (/^(简易|简易程序|当场|当场处罚|1)$/u.test(v)) return true;
    if (/^(普通|普通程序|一般程序|听证|听证程序|2)$/u.test(v)) return false;
  }
  return undefined;
}

/** Whether a decision fits 行政处罚法 art. 51 (a 警告, or a small fine, and nothing else). */
export function fitsSimpleProcedure(categories: readonly string[], fineAmount: number | null, naturalPerson: boolean): boolean {
  if (categories.length === 0 || categories.some((c) => c !== WARNING && c !== FINE)) return false;
  if (!categories.includes(FINE)) return true;
  return fineAmount !== null && fineAmount > 0 && fineAmount <= (naturalPerson ? SIMPLE_FINE_PERSON : SIMPLE_FINE_ORGANISATION);
}

/**
 * 行政处罚 v2 values → PublicityInput. A natural person is treated as a minor when under 18 on
 * the decision date — the offence date is not in the standard, so pass `extra.subjectIsMinor`
 * when the case file says the offence was committed before the 18th birthday (docs/domain/03-publicity.md §3.5).
 */
export function penaltyInputFromValues(values: Values, extra: Partial<PublicityInput> = {}): PublicityInput {
  const decisionDate = str(values.CF_JDRQ) ?? '';
  const idType = str(values.CF_XDR_ZJLX);
  const minor =
    str(values.CF_XDR_LB) === NATURAL_PERSON && (idType === null || idType === RESIDENT_ID) && isMinorOn(str(values.CF_XDR_ZJHM), decisionDate) === true;
  const categories = (str(values.CF_CFLB) ?? '').split(';').filter(Boolean);
  const fineAmount = num(values.CF_NR_FK);
  const simple = simpleProcedureOf(values);
  return {
    recordType: 'penalty',
    decisionDate,
    categories,
    fineAmount,
    ...(simple !== undefined ? { simpleProcedure: simple } : fitsSimpleProcedure(categories, fineAmount, str(values.CF_XDR_LB) === NATURAL_PERSON) ? { possiblySimpleProcedure: true } : {}),
    confiscatedAmount: num(values.CF_NR_WFFF),
    authority: str(values.CF_CFJG),
    conduct: str(values.CF_WFXW),
    content: str(values.CF_NR),
    basis: str(values.CF_YJ),
    withdrawn: str(values.CF_ZT) === STATUS_INVALID,
    subjectIsMinor: minor,
    publicityEndDate: str(values.CF_GSJZQ),
    ...extra,
  };
}

/** 当前状态 words that end a permit in the normal way (not 撤销): public display ends, 政务共享 stays (issue 13). */
const ENDED_STATUS = /注销|失效|过期/u;

/**
 * 行政许可 v2 values → PublicityInput. 当前状态 2 = 无效 withdraws it; a status still written in
 * words (注销 / 失效, before the catalogue folds it into 2) only ends its public display.
 */
export function permitInputFromValues(values: Values, extra: Partial<PublicityInput> = {}): PublicityInput {
  const decisionDate = str(values.XK_JDRQ) ?? '';
  const status = str(values.XK_ZT);
  const ended = status !== null && ENDED_STATUS.test(status);
  const idType = str(values.XK_XDR_ZJLX);
  const minor =
    str(values.XK_XDR_LB) === NATURAL_PERSON && (idType === null || idType === RESIDENT_ID) && isMinorOn(str(values.XK_XDR_ZJHM), decisionDate) === true;
  return {
    recordType: 'permit',
    decisionDate,
    categories: [],
    authority: str(values.XK_XKJG),
    withdrawn: status === STATUS_INVALID || (status !== null && !ended && /撤销|撤回/u.test(status)),
    ended,
    subjectIsMinor: minor,
    validUntil: str(values.XK_YXQZI),
    ...extra,
  };
}

/**
 * Red (RL_) or black (BL_) list values → PublicityInput. 已移出 sets removedAt (移出日期, else the
 * listing date, so a removal without a date is never shown as current); 已修复 sets repairedAt.
 */
export function listInputFromValues(kind: 'red_list' | 'black_list', values: Values, extra: Partial<PublicityInput> = {}): PublicityInput {
  const p = kind === 'red_list' ? 'RL' : 'BL';
  const decisionDate = str(values[kind === 'red_list' ? 'RL_RDRQ' : 'BL_LRRQ']) ?? '';
  const status = str(values[`${p}_ZT`]);
  const out = str(values[`${p}_YCRQ`]) ?? decisionDate;
  const idType = str(values[`${p}_ZJLX`]);
  const minor = str(values[`${p}_ZTLB`]) === NATURAL_PERSON && (idType === null || idType === RESIDENT_ID) && isMinorOn(str(values[`${p}_ZJHM`]), decisionDate) === true;
  return {
    recordType: kind,
    decisionDate,
    categories: [],
    authority: str(values[`${p}_RDBM`]),
    withdrawn: false,
    subjectIsMinor: minor,
    validUntil: str(values[`${p}_YXQZ`]),
    removedAt: status === LIST_REMOVED ? out : null,
    repairedAt: status === LIST_REPAIRED ? out : null,
    ...extra,
  };
}
