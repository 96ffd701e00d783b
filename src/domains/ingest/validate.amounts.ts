// Amount checks of the row validator (docs/domain/01-sgs.md §1.4 rule 5, issue 13). Amounts are in 万元: a very
// large one is warned as a possible 元 figure (amount_unit_suspect); a 罚款金额 that equals a figure
// 处罚内容 writes in 元 is warned as fine_unit_suspect, read by the publicity engine's own
// fineUnitSuspectIn (one reading for both); a 罚款 category with a zero amount is warned too; an amount
// implausible for the authority and category is fine_implausible, by the engine's fineImplausible with the
// settings in force (ValidationContext.publicity), so the receipt and the records list agree.
import type { DataItem } from '../catalog/index.ts';
import { lookupEnum } from '../catalog/index.ts';
import { DEFAULT_SETTINGS, fineImplausible, fineUnitSuspectIn } from '../publicity/index.ts';
import type { Scratch, ValidationContext, ValidatorModel } from './validate.model.ts';

/** Compiles the amount checks into one per-row step (warnings only; values are kept). */
export function compileAmountChecks(k: ValidatorModel): (s: Scratch, ctx: ValidationContext) => void {
  const { c, warn } = k;
  const fAmount = k.role('amount');
  const fConfiscation = k.role('confiscation_amount');
  const fPenalty = k.role('penalty_categories');
  const fContent = k.role('content');
  const fAuthority = k.role('authority_name');
  const amountFields = [fAmount, fConfiscation].filter((f): f is DataItem => f !== undefined);
  const FINE = fPenalty ? lookupEnum(c.enums.get(fPenalty.code)!, '罚款') : undefined;
  return (s, ctx) => {
    const values = s.values;
    const amountLimit = ctx.amountWarnAbove ?? 10_000;
    for (let k = 0; k < amountFields.length; k++) {
      const fa = amountFields[k];
      const v = values[fa.code];
      if (typeof v === 'number' && v > amountLimit) {
        warn(s, fa.code, 'amount_unit_suspect', `金额 ${v} 万元（${(v / 10_000).toFixed(2)} 亿元）数额较大，请确认单位为万元而不是元`);
      }
    }
    // 罚款金额 is in 万元; "5000" beside 处罚内容 "罚款人民币5000元" was entered in 元 (issue 13).
    let unitSuspect = false;
    if (fAmount && fContent) {
      const amount = values[fAmount.code];
      const text = values[fContent.code];
      if (typeof amount === 'number' && typeof text === 'string' && text.includes('元') && fineUnitSuspectIn(amount, text)) {
        unitSuspect = true;
        warn(s, fAmount.code, 'fine_unit_suspect', `罚款金额填写 ${amount}（单位万元，即 ${amount * 10_000} 元），而处罚内容写明“${amount}元”，疑似按元填写，请确认`);
      }
    }
    // As the engine (publicity severity.ts): the ceiling only when the text match did not already explain the amount.
    if (fAmount && !unitSuspect) {
      const amount = values[fAmount.code];
      const authority = fAuthority ? values[fAuthority.code] : null;
      const bad = fineImplausible({ fineAmount: typeof amount === 'number' ? amount : null, authority: typeof authority === 'string' ? authority : null }, ctx.publicity ?? DEFAULT_SETTINGS);
      if (bad) warn(s, fAmount.code, 'fine_implausible', bad.note);
    }
    if (fAmount && FINE && fPenalty && values[fAmount.code] === 0 && s.sets.get(fPenalty.code)?.includes(FINE)) {
      warn(s, fAmount.code, 'fine_amount_zero', '处罚类别包含罚款，但罚款金额为 0');
    }
  };
}
