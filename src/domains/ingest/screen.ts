// The ingest screen for personal numbers in public free-text fields (docs/domain/03-publicity.md §3.5, issue 11 §5): an ID number
// or a bank card in a 社会公开 text field rejects the row, a mobile number warns (defaults; INGEST_PII_SCREEN
// changes them per kind and per field). The detection is the platform's one detector (src/domains/codes/pii.ts), so
// what is refused here and what public output scrubs follow one rule.
import { DEFAULT_PII_SCREEN, type PiiScreenAction, type PiiScreenKind, type PiiScreenPolicy } from '../../config.ts';
import { findPersonalNumbers, maskPersonalNumber, type PersonalNumber } from '../codes/index.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';

/** The row codes of the screen, one per kind. */
export const SCREEN_CODES = {
  id: 'id_number_in_public_field',
  bank_card: 'bank_card_in_public_field',
  mobile: 'mobile_in_public_field',
} as const satisfies Record<PiiScreenKind, string>;
export type ScreenCode = (typeof SCREEN_CODES)[PiiScreenKind];

export interface ScreenContext {
  today: Date;
  /** The row's decision date as an epoch day, or NaN: ID-shaped numbers "born" less than a year before it are no ID numbers (pii.ts). */
  decisionDay?: number;
  policy?: PiiScreenPolicy;
  /**
   * The field holds a number of the record itself (许可编号, 文书号). Licence numbers are often built as
   * region + date + serial, which is the shape of an ID number (issue 13): there an ID-shaped number that
   * is the whole value is only warned about unless INGEST_PII_SCREEN sets the field explicitly.
   */
  identifierField?: boolean;
}

export interface ScreenIssue {
  code: ScreenCode;
  severity: 'error' | 'warning';
  message: string;
  found: PersonalNumber;
}

const MESSAGES: Record<PiiScreenKind, Record<PiiScreenAction, (masked: string) => string>> = {
  id: {
    reject: (m) => `包含自然人身份证号码（${m}），该列对社会公开，不得填写身份证号码`,
    warn: (m) => `包含疑似自然人身份证号码（${m}），该列对社会公开，请核实后删除`,
  },
  bank_card: {
    reject: (m) => `包含银行卡号（${m}），该列对社会公开，不得填写银行账号`,
    warn: (m) => `包含疑似银行卡号（${m}），该列对社会公开，请核实后删除`,
  },
  mobile: {
    reject: (m) => `包含手机号码（${m}），该列对社会公开，不得填写自然人的通讯方式`,
    warn: (m) => `包含疑似手机号码（${m}），该列对社会公开，自然人的通讯方式不得公开，请核实`,
  },
};

/** The action for a kind in a field: the field's own setting, else the kind's default. */
export function screenAction(policy: PiiScreenPolicy, fieldCode: string, kind: PiiScreenKind): PiiScreenAction {
  return policy.fields[fieldCode]?.[kind] ?? policy.defaults[kind];
}

/**
 * Whether `text` has a stretch of at least 11 digits joined only by separators: every number the detector
 * (codes/pii.ts findPersonalNumbers) finds is 11 or more digits (half- or full-width) in groups joined by single
 * separators (space, no-break and full-width space, hyphen, full-width hyphen, dashes U+2010–2014), so a text without
 * such a stretch holds none. Most public text with 11 digits has them spread over dates, amounts and 文号 ("于2025/06/06
 * 在…240号"), which the detector would take apart group by group; this one pass skips it and the decision date's
 * formatting (issue 18: about 1 µs of the parse worker's CPU per row). `screen.test.ts` checks it never skips a text the
 * detector finds something in.
 */
export function mayHoldPersonalNumber(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) {
      if (++digits >= 11) return true;
    } else if (!(c === 32 || c === 0xa0 || c === 0x3000 || c === 45 || c === 0xff0d || (c >= 0x2010 && c <= 0x2014))) digits = 0;
  }
  return false;
}

/**
 * Screens one public text value: the most serious finding as an error (reject) or a warning, or null.
 * Costs one pass over the text when it has no stretch of 11 digits (almost every value): mayHoldPersonalNumber.
 */
export function screenPublicField(fieldCode: string, text: string, ctx: ScreenContext): ScreenIssue | null {
  if (!mayHoldPersonalNumber(text)) return null;
  const day = ctx.decisionDay;
  const decisionDate = day === undefined || !Number.isFinite(day) ? null : isoOfEpochDay(day);
  const found = findPersonalNumbers(text, { today: ctx.today, decisionDate });
  if (!found.length) return null;
  const policy = ctx.policy ?? DEFAULT_PII_SCREEN;
  let warning: ScreenIssue | null = null;
  for (const f of found) {
    let action = screenAction(policy, fieldCode, f.kind);
    if (
      ctx.identifierField &&
      f.kind === 'id' &&
      action === 'reject' &&
      f.start === 0 &&
      f.end === text.length &&
      policy.fields[fieldCode]?.id === undefined
    ) {
      action = 'warn';
    }
    const issue: ScreenIssue = {
      code: SCREEN_CODES[f.kind],
      severity: action === 'reject' ? 'error' : 'warning',
      message: MESSAGES[f.kind][action](maskPersonalNumber(f)),
      found: f,
    };
    if (action === 'reject') return issue;
    warning ??= issue;
  }
  return warning;
}
