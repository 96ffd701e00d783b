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
const FOREIGN_PERMANENT = '05';
const HMT_RESIDENCE = '06';
const STATUS_INVALID = '2';
/** 当前状态 4 注销或失效 (catalogue version 3, issue 13): public display ends, 政务共享 stays. */
const STATUS_ENDED = '4';
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

/** 'YYYY-MM-DD' when y-m-d is a real day, else null. */
function realDay(y: number, m: number, d: number): string | null {
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return Number.isNaN(parseDay(iso)) ? null : iso;
}

/**
 * The birth date a document number carries (issue 13), or null when it carries none or is unreadable:
 * - 身份证 (01, or no type): 18 digits (positions 7–14) or the 15-digit first generation (19 + positions 7–12);
 * - 港澳台居民居住证 (06): the 身份证 layout with address code 810000/820000/830000 (国办发〔2018〕81号);
 * - 外国人永久居留身份证 (05): the 2023 card, 9 + 17 characters in the 身份证 layout, and the 2004/2017 card,
 *   3 letters + 4-digit 受理地 + YYMMDD + 2 digits (国家移民管理局 2023 版机读信息规则 says 15 → 18 characters;
 *   positions as in public validators [P]). Its 2-digit year is read in the latest century that does not put the
 *   birth after `onOrBefore` (the decision date), so a 2010 child is never read as born in 1910.
 * Passports and 通行证 (02–04) carry none.
 */
export function birthDateOf(idType: string | null | undefined, idNumber: string | null | undefined, onOrBefore?: string): string | null {
  const s = (idNumber ?? '').trim().toUpperCase();
  const t = idType ?? null;
  const layout18 = /^\d{17}[\dX]$/.test(s);
  if ((t === null || t === RESIDENT_ID || t === HMT_RESIDENCE || (t === FOREIGN_PERMANENT && s.startsWith('9'))) && layout18) {
    return realDay(Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14)));
  }
  if ((t === null || t === RESIDENT_ID) && /^\d{15}$/.test(s)) return realDay(1900 + Number(s.slice(6, 8)), Number(s.slice(8, 10)), Number(s.slice(10, 12)));
  if (t === FOREIGN_PERMANENT && /^[A-Z]{3}\d{12}$/.test(s)) {
    const yy = Number(s.slice(7, 9));
    const m = Number(s.slice(9, 11));
    const d = Number(s.slice(11, 13));
    const recent = realDay(2000 + yy, m, d);
    const limit = onOrBefore ? parseDay(onOrBefore) : NaN;
    if (recent !== null && (Number.isNaN(limit) || parseDay(recent) <= limit)) return recent;
    return realDay(1900 + yy, m, d);
  }
  return null;
}

/** Under 18 on `date`, judged from a birth date; null when either is unreadable. */
function minorByBirth(birth: string | null, date: string): boolean | null {
  if (birth === null) return null;
  const b = parseDay(birth);
  const day = parseDay(date);
  if (Number.isNaN(b) || Number.isNaN(day)) return null;
  return day < addMonths(b, 18 * 12);
}

/**
 * A natural person's age on the decision date (docs/domain/03-publicity.md §3.5): from the 出生日期 field when
 * sent, else from the document number; `unknown` when neither gives a birth date (never guessed).
 */
function personAge(values: Values, p: 'CF' | 'XK' | 'RL' | 'BL', decisionDate: string): { minor: boolean; unknown: boolean } {
  const [cat, type, no, birthField] = p === 'CF' || p === 'XK' ? [`${p}_XDR_LB`, `${p}_XDR_ZJLX`, `${p}_XDR_ZJHM`, `${p}_XDR_CSRQ`] : [`${p}_ZTLB`, `${p}_ZJLX`, `${p}_ZJHM`, `${p}_CSRQ`];
  if (str(values[cat]) !== NATURAL_PERSON) return { minor: false, unknown: false };
  const birth = str(values[birthField]) ?? birthDateOf(str(values[type]), str(values[no]), decisionDate);
  const minor = minorByBirth(birth, decisionDate);
  return { minor: minor === true, unknown: minor === null };
}

/** Names under which a department may send 处罚程序 (简易/普通): CF_CFCX is the field of catalogue version 3. */
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
  const age = personAge(values, 'CF', decisionDate);
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
    ...(str(values.CF_ZT) === STATUS_ENDED ? { ended: true } : {}),
    subjectIsMinor: age.minor,
    ...(age.unknown ? { subjectAgeUnknown: true } : {}),
    publicityEndDate: str(values.CF_GSJZQ),
    ...extra,
  };
}

/** 当前状态 words that end a permit in the normal way (not 撤销): public display ends, 政务共享 stays (issue 13). */
const ENDED_STATUS = /注销|失效|过期/u;

/**
 * 行政许可 v2 values → PublicityInput. 当前状态 2 = 无效 (撤销, 确认无效) withdraws it; 4 = 注销或失效
 * (catalogue version 3) — or those words, as values from before it — only ends its public display.
 */
export function permitInputFromValues(values: Values, extra: Partial<PublicityInput> = {}): PublicityInput {
  const decisionDate = str(values.XK_JDRQ) ?? '';
  const status = str(values.XK_ZT);
  const ended = status === STATUS_ENDED || (status !== null && ENDED_STATUS.test(status));
  const minor = personAge(values, 'XK', decisionDate).minor;
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
  const minor = personAge(values, p, decisionDate).minor;
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
