// The age of a natural person in a 行政处罚 row (docs/domain/03-publicity.md §3.5, issue 13): a minor's penalty is
// never published, and passports or 通行证 carry no birth date. A row of a natural person whose documents give
// no birth date, and that sends no 出生日期, is accepted with age_unconfirmed: the publicity engine holds it back
// for the department to confirm (publicity birthDateOf reads the same documents, so receipt and engine agree).
import { birthDateOf } from '../publicity/index.ts';
import type { Scratch, ValidationContext, ValidatorModel } from './validate.model.ts';

/** Compiles the age check into one per-row step; a no-op for items that are not penalties. */
export function compileAgeCheck(k: ValidatorModel): (s: Scratch, ctx: ValidationContext) => void {
  const { item, warn } = k;
  const fIdType = k.role('subject_id_type');
  const fId = k.role('subject_id_number');
  const fDecision = k.role('decision_date');
  const fBirth = item.items.find((f) => f.type === 'date' && f.name === '出生日期');
  if (item.recordType !== 'penalty' || !fId || !fDecision) return () => {};
  return (s) => {
    if (s.category !== '自然人') return;
    const v = s.values;
    const decision = v[fDecision.code];
    if (typeof decision !== 'string') return;
    if (fBirth && typeof v[fBirth.code] === 'string') return;
    const type = fIdType ? v[fIdType.code] : null;
    const no = v[fId.code];
    if (birthDateOf(typeof type === 'string' ? type : null, typeof no === 'string' ? no : null, decision) !== null) return;
    warn(s, fId.code, 'age_unconfirmed', '当事人为自然人，证件号码不含出生日期且未填写“出生日期”，不能排除未成年人，该处罚暂不公示；请补报出生日期');
  };
}
