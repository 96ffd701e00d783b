// Date rules of the row validator (docs/domain/01-sgs.md §1.4 rule 4, §1.1, issue 13): the spellings of 长期 a
// date field may take, the bounds of a decision date (not in the future, not before 1949-10-01,
// warned before INGEST_DECISION_DATE_WARN_BEFORE), the order of related dates, and timeliness
// (超期上报) in working days. Each rule is compiled once per import into a per-row step.
import { chinaEpochDay, epochDayOf } from '../../platform/workCalendar.ts';
import type { DataItem } from '../catalog/index.ts';
import { parseDateCell, parseIsoFast } from './validate.cells.ts';
import type { Scratch, ValidationContext, Value, ValidatorModel } from './validate.model.ts';

/** 2099-12-31 as an epoch day: the "长期" convention (publicity's LONG_TERM_ISO). */
export const LONG_TERM_DAY = epochDayOf(2099, 12, 31);
const LONG_TERM_WORDS = new Set(['长期', '长期有效', '永久', '永久有效', '无期限', '不限期']);
/** Founding of the PRC: no administrative decision of this platform's kind can be older. */
const EARLIEST_DECISION_DAY = epochDayOf(1949, 10, 1);
/** Default of INGEST_DECISION_DATE_WARN_BEFORE: older decisions are possible but worth a look. */
export const DECISION_DATE_WARN_BEFORE = '2000-01-01';

/**
 * True when a trimmed cell of a field that allows 长期 says so: a word (长期, 永久有效 …) or
 * 9999-12-31 / 9999年12月31日, many systems' spelling of 长期, as the standard's 2099-12-31.
 */
export function isLongTermSpelling(raw: string): boolean {
  if (raw.charCodeAt(0) > 0x7f && LONG_TERM_WORDS.has(raw)) return true;
  return raw.charCodeAt(0) === 57 && raw.startsWith('9999') && parseDateCell('2099' + raw.slice(4), false) === LONG_TERM_DAY;
}

/** The epoch day of a date field's normalised value (NaN when empty or absent). */
export function dayOf(values: Record<string, Value>, f: DataItem | undefined): number {
  const v = f ? values[f.code] : null;
  return typeof v === 'string' ? parseIsoFast(v) : NaN;
}

/** Compiles the date rules; the step sets `todayDay`, `decision` and `implausible` on the scratch. */
export function compileDateRules(k: ValidatorModel): (s: Scratch, ctx: ValidationContext) => void {
  const { err, warn } = k;
  const fDecision = k.role('decision_date');
  const fFrom = k.role('valid_from');
  const fTo = k.role('valid_to');
  const fPubEnd = k.role('publicity_end');
  const fRemoval = k.role('removal_date');
  return (s, ctx) => {
    const values = s.values;
    const todayDay = chinaEpochDay(ctx.today);
    const decision = dayOf(values, fDecision);
    s.todayDay = todayDay;
    s.decision = decision;
    if (!Number.isNaN(decision) && decision > todayDay) {
      err(s, fDecision!.code, 'date_in_future', `决定日期 ${values[fDecision!.code]} 晚于今天`);
    }
    const implausible = !Number.isNaN(decision) && decision < EARLIEST_DECISION_DAY;
    s.implausible = implausible;
    if (implausible) {
      err(s, fDecision!.code, 'decision_date_implausible', `决定日期 ${values[fDecision!.code]} 早于 1949-10-01，不可能是本平台归集的行政决定日期，请核实`);
    } else if (!Number.isNaN(decision)) {
      const floor = ctx.decisionDateWarnBefore ?? DECISION_DATE_WARN_BEFORE;
      if (decision < parseIsoFast(floor)) {
        warn(s, fDecision!.code, 'decision_date_early', `决定日期 ${values[fDecision!.code]} 早于 ${floor}，请核实是否填错`);
      }
    }
    const from = dayOf(values, fFrom);
    const to = dayOf(values, fTo);
    if (!Number.isNaN(from) && !Number.isNaN(to) && from > to) {
      err(s, fTo!.code, 'validity_range', `有效期至 ${values[fTo!.code]} 早于有效期自 ${values[fFrom!.code]}`);
    } else if (Number.isNaN(from) && !Number.isNaN(to) && !Number.isNaN(decision) && to < decision && to !== LONG_TERM_DAY) {
      warn(s, fTo!.code, 'valid_to_before_decision', `${values[fTo!.code]} 早于决定日期 ${values[fDecision!.code]}`);
    }
    const pubEnd = dayOf(values, fPubEnd);
    if (!Number.isNaN(pubEnd) && !Number.isNaN(decision) && pubEnd < decision) {
      warn(s, fPubEnd!.code, 'publicity_end_before_decision', `公示截止期 ${values[fPubEnd!.code]} 早于决定日期（平台将按公示期规则重新计算）`);
    }
    const removal = dayOf(values, fRemoval);
    if (!Number.isNaN(removal) && !Number.isNaN(decision) && removal < decision) {
      warn(s, fRemoval!.code, 'removal_before_decision', `移出日期 ${values[fRemoval!.code]} 早于列入日期`);
    }
  };
}

/**
 * Compiles timeliness (docs/domain/01-sgs.md §1.1): working days after the decision up to the report date, against
 * the context's limit, else the item's, else 7. Runs after the date rules; sets `workingDays`,
 * `provisional` and `late` on the scratch.
 */
export function compileTimeliness(k: ValidatorModel): (s: Scratch, ctx: ValidationContext) => void {
  const { warn } = k;
  const fDecision = k.role('decision_date');
  const itemLimit = k.item.timelinessWorkingDays;
  return (s, ctx) => {
    s.workingDays = null;
    s.provisional = false;
    s.late = false;
    const decision = s.decision;
    if (!Number.isNaN(decision) && decision <= s.todayDay && !s.implausible) {
      const reportDay = chinaEpochDay(ctx.reportDate);
      const workingDays = ctx.calendar.countWorkingDays(decision, reportDay);
      const provisional = ctx.calendar.isProvisionalBetween(decision, reportDay);
      s.workingDays = workingDays;
      s.provisional = provisional;
      const limit = ctx.lateAfterWorkingDays ?? itemLimit ?? 7;
      if (workingDays > limit) {
        s.late = true;
        warn(
          s,
          fDecision!.code,
          'late_report',
          `超期上报：自决定日期起第 ${workingDays} 个工作日报送，超过 ${limit} 个工作日${provisional ? '（所涉年份的节假日安排尚未录入，按周末计算）' : ''}`,
        );
      }
    }
  };
}
