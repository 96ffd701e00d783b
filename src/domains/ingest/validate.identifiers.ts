// Identifier checks of the row validator (docs/domain/01-sgs.md §1.4 rules 1–2, §1.5, issue 13): the subject's
// USCC (check character, category prefix, pairs the GB 32100 table lacks, ID numbers typed into the
// USCC column), organisation codes, registration numbers (13-digit legacy ones), ID and other
// document numbers by 证件类型, old codes routed from the USCC column to their own field, and the
// authority's and data source's USCC. Compiled once per import into one per-row step that also
// builds the row's SubjectInfo.
import {
  checkDocumentNumber,
  checkIdNumber,
  checkOrgCode,
  checkRegNo,
  checkUscc,
  isKnownUsccPair,
  isValidUscc,
  type CodeResult,
} from '../codes/index.ts';
import type { DataItem, SubjectCategory } from '../catalog/index.ts';
import { findPersonalNumbers } from '../codes/index.ts';
import { bounded, looksFloatDamaged } from './validate.cells.ts';
import type { RowCode } from './validate.codes.ts';
import type { Scratch, SubjectInfo, ValidationContext, ValidatorModel } from './validate.model.ts';

/** Finds a citizen ID number inside free text (half- or full-width digits, grouped or not; see src/domains/codes/pii.ts). */
export function findIdNumberInText(s: string, today: Date): string | null {
  return findPersonalNumbers(s, { today }).find((p) => p.kind === 'id')?.value ?? null;
}

/** The first error reason of a code check, as Chinese text. */
function firstError(r: CodeResult): string {
  const e = r.reasons.find((x) => x.severity === 'error');
  return e ? e.message : '格式不正确';
}

/**
 * Compiles the identifier checks; the step reads the parsed values and `category`, normalises or
 * clears the codes, reports their issues, and sets `subject` and `legacyOnly` on the scratch.
 */
export function compileIdentifierChecks(k: ValidatorModel): (s: Scratch, ctx: ValidationContext) => void {
  const { c, err, warn } = k;
  const fName = k.role('subject_name');
  const fUscc = k.role('subject_uscc');
  const fOrg = k.role('subject_org_code');
  const fRegno = k.role('subject_regno');
  const fIdType = k.role('subject_id_type');
  const fId = k.role('subject_id_number');
  const fRepIdType = k.role('legal_rep_id_type');
  const fRepId = k.role('legal_rep_id_number');
  const fAuthUscc = k.role('authority_uscc');
  const fSrcUscc = k.role('source_uscc');
  const ID_TYPE_CARD = '01'; // 身份证 in ID_TYPE_ENUM
  // Authority / source USCC verdicts repeat across a file: cache them.
  const orgUsccCache = new Map<string, string | null>();

  function checkOrgUscc(s: Scratch, f: DataItem, code: RowCode) {
    const v = s.values[f.code];
    if (v === null || typeof v !== 'string') return;
    let verdict = orgUsccCache.get(v);
    if (verdict === undefined) {
      verdict = isValidUscc(v) ? null : looksFloatDamaged(v) ? '\u0000float' : firstError(checkUscc(v));
      bounded(orgUsccCache, v, verdict);
    }
    if (verdict === null) {
      if (!isKnownUsccPair(v)) warnUnknownPair(s, f, v);
      else if (f.role === 'authority_uscc' && v.charCodeAt(0) !== 49 /* '1' */) {
        warn(s, f.code, 'authority_uscc_unusual', `机关的统一社会信用代码通常以“1”（机构编制部门登记）开头，实际为“${v.slice(0, 2)}”，请核实`);
      }
      return;
    }
    s.values[f.code] = null;
    if (verdict === '\u0000float') {
      err(s, f.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
    } else {
      err(s, f.code, code, `“${v}”不是有效的统一社会信用代码：${verdict}`);
    }
  }

  /** A well-formed USCC whose first two characters our GB 32100 table lacks: kept, flagged (issue 13). */
  function warnUnknownPair(s: Scratch, f: DataItem, v: string) {
    warn(s, f.code, 'uscc_unknown_category', `“${v}”第 1–2 位“${v.slice(0, 2)}”不在平台的登记管理部门和机构类别代码表中，代码校验通过，予以接受，请核实`);
  }

  function checkIdField(s: Scratch, f: DataItem, typeField: DataItem | undefined, today: Date): { value: string; kind: string } | null {
    const v = s.values[f.code];
    if (v === null || typeof v !== 'string') return null;
    const type = typeField ? (s.values[typeField.code] as string | null) : null;
    const isCard = type === ID_TYPE_CARD || (type === null && (v.length === 18 || v.length === 15));
    if (!isCard) {
      // Each document type has its own number shape (issue 13): a type 05 with "ABC" is refused.
      if (type !== null) {
        const d = checkDocumentNumber(type, v, { today });
        if (d.verdict === 'invalid') {
          s.values[f.code] = null;
          const label = typeField ? (c.enums.get(typeField.code)?.byCode.get(type)?.label ?? type) : type;
          err(s, f.code, 'id_number_invalid', `不是有效的“${label}”号码：${firstError(d)}`);
          return null;
        }
        s.values[f.code] = d.normalized;
      }
      return { value: s.values[f.code] as string, kind: type ?? 'other' };
    }
    const r = checkIdNumber(v, { today });
    if (r.verdict === 'invalid') {
      s.values[f.code] = null;
      if (looksFloatDamaged(v)) {
        err(s, f.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
      } else {
        err(s, f.code, 'id_number_invalid', `不是有效的身份证号码：${firstError(r)}`);
      }
      return null;
    }
    s.values[f.code] = r.normalized;
    return { value: r.normalized, kind: r.kind };
  }

  /** Moves an old code found in the USCC column to its own field (docs/domain/01-sgs.md §1.5 legacy codes). */
  function routeLegacy(s: Scratch, v: string, f: DataItem, category: SubjectCategory | null, today: Date): boolean {
    const values = s.values;
    const move = (target: DataItem | undefined, label: string): boolean => {
      if (!target) return false;
      const cur = values[target.code];
      if (cur !== null && cur !== v) return false;
      values[target.code] = v;
      warn(s, f.code, 'legacy_code_routed', `填写的是${label}“${v}”，已移至“${target.name}”；请补充统一社会信用代码`);
      return true;
    };
    if ((v.length === 9 || (v.length === 10 && v[8] === '-')) && checkOrgCode(v).verdict !== 'invalid') {
      const r = checkOrgCode(v);
      const compact = (r.parsed?.body as string) + (r.parsed?.checkChar as string);
      if (move(fOrg, '组织机构代码')) {
        values[fOrg!.code] = compact;
        return true;
      }
      return false;
    }
    if ((v.length === 15 || v.length === 13) && checkRegNo(v).verdict !== 'invalid') return move(fRegno, '工商注册号');
    if (category === '自然人' && (v.length === 18 || v.length === 15) && checkIdNumber(v, { today }).verdict !== 'invalid') {
      return move(fId, '身份证号码');
    }
    return false;
  }

  return (s, ctx) => {
    const values = s.values;
    const category = s.category;
    const subject: SubjectInfo = { category, name: fName ? (values[fName.code] as string | null) : null };
    s.subject = subject;
    if (subject.name && category !== '自然人' && nameLooksMasked(subject.name)) {
      warn(s, fName!.code, 'name_incomplete', '名称疑似被缩写或用“*”“某”遮盖，请填写全称');
    }
    s.legacyOnly = false;
    if (fOrg) {
      const v = values[fOrg.code];
      if (typeof v === 'string') {
        const r = checkOrgCode(v);
        if (r.verdict === 'invalid') {
          values[fOrg.code] = null;
          err(s, fOrg.code, 'org_code_invalid', `“${v}”不是有效的组织机构代码：${firstError(r)}`);
        } else {
          values[fOrg.code] = (r.parsed?.body as string) + (r.parsed?.checkChar as string);
          subject.orgCode = values[fOrg.code] as string;
        }
      }
    }
    if (fRegno) {
      const v = values[fRegno.code];
      if (typeof v === 'string') {
        subject.regNo = v;
        const r = checkRegNo(v);
        if (r.verdict === 'invalid') {
          warn(s, fRegno.code, 'regno_check_failed', `“${v}”不是有效的工商注册号：${firstError(r)}，请核实`);
        } else if (r.parsed?.format === 'gs13') {
          warn(s, fRegno.code, 'regno_legacy_format', `“${v}”是 2007 年以前的 13 位工商注册号，无校验位，请补充统一社会信用代码`);
        }
      }
    }
    if (fUscc) {
      const v = values[fUscc.code];
      if (typeof v === 'string') {
        if (isValidUscc(v) && (isKnownUsccPair(v) || !isIdShaped(v) || checkIdNumber(v, { today: ctx.today }).verdict === 'invalid')) {
          subject.uscc = v;
          if (!isKnownUsccPair(v)) warnUnknownPair(s, fUscc, v);
          // Category ↔ prefix (docs/domain/01-sgs.md §1.4 rule 1): 92 is the 个体工商户 code.
          if (category === '个体工商户' && !v.startsWith('92')) {
            err(s, fUscc.code, 'uscc_category_mismatch', `个体工商户的统一社会信用代码应以“92”开头，实际为“${v.slice(0, 2)}”`);
          } else if (category === '法人及非法人组织' && v.startsWith('92')) {
            err(s, fUscc.code, 'uscc_category_mismatch', '以“92”开头的是个体工商户的代码，与行政相对人类别“法人及非法人组织”不符');
          }
          if (subject.orgCode && subject.orgCode !== v.slice(8, 17)) {
            warn(s, fOrg!.code, 'org_code_mismatch', `组织机构代码与统一社会信用代码第 9–17 位（${v.slice(8, 17)}）不一致`);
          }
        } else {
          values[fUscc.code] = null;
          if (!routeLegacy(s, v, fUscc, category, ctx.today)) {
            if (looksFloatDamaged(v)) {
              err(s, fUscc.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
            } else {
              err(s, fUscc.code, 'uscc_invalid', `“${v}”不是有效的统一社会信用代码：${firstError(checkUscc(v))}`);
            }
          } else {
            s.legacyOnly = true;
          }
        }
      }
    }
    const id = fId ? checkIdField(s, fId, fIdType, ctx.today) : null;
    if (id) {
      subject.idNumber = id.value;
      subject.idKind = id.kind;
    }
    if (fRepId) checkIdField(s, fRepId, fRepIdType, ctx.today);
    if (fAuthUscc) checkOrgUscc(s, fAuthUscc, 'authority_uscc_invalid');
    if (fSrcUscc) checkOrgUscc(s, fSrcUscc, 'source_uscc_invalid');
    if (!subject.orgCode && fOrg && typeof values[fOrg.code] === 'string') subject.orgCode = values[fOrg.code] as string;
    if (!subject.regNo && fRegno && typeof values[fRegno.code] === 'string') subject.regNo = values[fRegno.code] as string;
  };
}

/** 17 digits and a digit or X: an 18-character value that could be an ID number rather than a USCC. */
function isIdShaped(s: string): boolean {
  if (s.length !== 18) return false;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const last = s.charCodeAt(17);
  return (last >= 48 && last <= 57) || last === 88;
}

/** True for names with mask characters or placeholders (某某, *, ×). */
function nameLooksMasked(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2a || c === 0xff0a || c === 0xd7) return true;
    if (c === 0x67d0 && name.charCodeAt(i + 1) === 0x67d0) return true; // 某某
  }
  return false;
}

