// Cross-field rules of the row validator: legacy derivations (a v1 file's missing fields filled
// from others, e.g. the subject category from the codes present), required fields by condition
// and subject category (with placeholder_as_empty for a “-” or “无”, docs/domain/01-sgs.md §1.4, issue 13), the
// identifier a 个体工商户 needs, and fields that should be empty. Conditions are resolved to enum
// codes once per import.
import type { Condition } from '../catalog/index.ts';
import { conditionCodes, lookupEnum } from '../catalog/index.ts';
import type { SubjectCategory } from '../catalog/index.ts';
import type { Scratch, ValidatorModel } from './validate.model.ts';

/** Compiles the legacy derivations of the mapping (fill only what is still empty); null when it has none. */
export function compileDerivations(k: ValidatorModel): ((s: Scratch) => void) | null {
  const { c, err } = k;
  const derivations = k.mapping.derive;
  if (!derivations.length) return null;
  const fCat = k.role('subject_category');
  const fUscc = k.role('subject_uscc');
  const fOrg = k.role('subject_org_code');
  const fRegno = k.role('subject_regno');
  const fId = k.role('subject_id_number');
  const catCode = (label: SubjectCategory): string | undefined =>
    fCat ? lookupEnum(c.enums.get(fCat.code)!, label) : undefined;
  const CAT_LEGAL = catCode('法人及非法人组织');
  const CAT_PERSON = catCode('自然人');
  const CAT_BUSINESS = catCode('个体工商户');
  return (s) => {
    const values = s.values;
    for (const d of derivations) {
      if (values[d.field] !== null) continue;
      if (d.kind === 'constant') {
        if (!d.whenFilled || values[d.whenFilled] !== null) values[d.field] = d.value;
      } else if (d.kind === 'copy') {
        values[d.field] = values[d.from];
      } else {
        const uscc = fUscc ? values[fUscc.code] : null;
        const id = fId ? values[fId.code] : null;
        const other = (fOrg && values[fOrg.code]) || (fRegno && values[fRegno.code]);
        let code: string | undefined;
        if (typeof uscc === 'string') code = uscc.startsWith('92') ? CAT_BUSINESS : CAT_LEGAL;
        else if (id !== null) code = CAT_PERSON;
        else if (other) code = CAT_LEGAL;
        if (code) values[d.field] = code;
        else err(s, d.field, 'subject_category_unknown', '无法根据代码判断行政相对人类别，请填写统一社会信用代码或证件号码');
      }
    }
  };
}

/**
 * Compiles the required and should-be-empty rules into one per-row step; it runs after the
 * identifier checks, whose `subject` and `legacyOnly` it reads.
 */
export function compileRequiredRules(k: ValidatorModel): (s: Scratch) => void {
  const { item, c, err, warn } = k;
  const relax = new Set(k.mapping.relaxRequired);
  const fUscc = k.role('subject_uscc');
  const fRepId = k.role('legal_rep_id_number');
  // Conditions (required-when, empty-when), resolved to codes once.
  type CompiledCond = (s: Scratch) => boolean;
  const compileCond = (cond: Condition): CompiledCond => {
    const codes = conditionCodes(c, cond);
    const other = c.byCode.get(cond.field)!;
    if (other.type === 'set') {
      return (s) => {
        const set = s.sets.get(cond.field);
        return set !== undefined && codes.some((x) => set.includes(x));
      };
    }
    return (s) => {
      const v = s.values[cond.field];
      return v !== null && codes.includes(String(v));
    };
  };
  const requiredChecks: { code: string; when: CompiledCond | null }[] = [];
  const emptyChecks: { code: string; when: CompiledCond; text: string }[] = [];
  for (const f of item.items) {
    if (relax.has(f.code)) {
      // The legacy format never had this field (docs/domain/01-sgs.md §1.2).
    } else if (f.required === 'always') requiredChecks.push({ code: f.code, when: null });
    else if (typeof f.required === 'object') requiredChecks.push({ code: f.code, when: compileCond(f.required.when) });
    if (f.emptyWhen) {
      const other = c.byCode.get(f.emptyWhen.field)!;
      const label = conditionCodes(c, f.emptyWhen)
        .map((x) => c.enums.get(other.code)?.byCode.get(x)?.label ?? x)
        .join('或');
      emptyChecks.push({ code: f.code, when: compileCond(f.emptyWhen), text: `${other.name}为“${label}”时不应填写` });
    }
  }
  const requiredText = (code: string): string => {
    const f = c.byCode.get(code)!;
    if (typeof f.required !== 'object') return '为必填项，不能为空';
    const other = c.byCode.get(f.required.when.field)!;
    const label = conditionCodes(c, f.required.when)
      .map((x) => c.enums.get(other.code)?.byCode.get(x)?.label ?? x)
      .join('或');
    return other.type === 'set' ? `在${other.name}包含“${label}”时必填` : `在${other.name}为“${label}”时必填`;
  };
  const requiredMsg = new Map(requiredChecks.map((r) => [r.code, requiredText(r.code)]));
  return (s) => {
    const values = s.values;
    for (let r = 0; r < requiredChecks.length; r++) {
      const rc = requiredChecks[r];
      if (values[rc.code] !== null || s.failed.has(rc.code)) continue;
      if (rc.when !== null && !rc.when(s)) continue;
      // An organisation without a USCC but with a valid old code: allowed, flagged (docs/domain/01-sgs.md §1.5).
      if (fUscc && rc.code === fUscc.code && (s.subject.orgCode || s.subject.regNo) && s.category !== '个体工商户') {
        if (!s.legacyOnly) {
          warn(s, fUscc.code, 'uscc_missing_legacy_only', '未填写统一社会信用代码，仅有旧代码（组织机构代码/工商注册号），将按旧代码关联主体');
        }
        continue;
      }
      const ph = s.placeholders?.get(rc.code);
      if (ph !== undefined) err(s, rc.code, 'placeholder_as_empty', `填写的“${ph}”被视为空值，该项${requiredMsg.get(rc.code)!}`);
      else err(s, rc.code, 'required_missing', requiredMsg.get(rc.code)!);
    }
    // A 个体工商户 needs something that identifies it: without, its records would have a key without
    // a subject code and could never be matched to the register (issue 13).
    if (s.category === '个体工商户' && !s.subject.uscc && !s.subject.idNumber && !s.legacyOnly && !s.failed.has(fUscc?.code ?? '')) {
      const rep = fRepId ? values[fRepId.code] : null;
      if (typeof rep !== 'string' && !(fRepId && s.failed.has(fRepId.code))) {
        err(s, fUscc?.code ?? '', 'business_identifier_missing', '个体工商户应至少填写统一社会信用代码或经营者（法定代表人）的证件号码');
      }
    }
    for (let e = 0; e < emptyChecks.length; e++) {
      const ec = emptyChecks[e];
      if (values[ec.code] !== null && ec.when(s)) warn(s, ec.code, 'field_should_be_empty', ec.text);
    }
  };
}
