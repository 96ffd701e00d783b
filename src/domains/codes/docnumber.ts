// Document numbers by 证件类型 (ID_TYPE_ENUM codes, docs/domain/01-sgs.md §1.2): each type has its own shape, so a
// type 05 with "ABC" is refused instead of stored (issue 13). 身份证 (01) and the 18-digit permits
// that share its format (05 from 2023, 06 港澳台居民居住证) go through checkIdNumber; the others are shape
// checks only (no check digit).
//
// Sources: GB 11643-1999 (公民身份号码); 国家移民管理局《新版外国人永久居留身份证机读信息规则（2023版）》:
// the 2023 card number is 18 characters beginning with 9 (MOD 11-2), the 2017 card's number is 15
// characters, 3 Latin letters + 12 digits, and both stay valid; the 2019 通行证 numbers are H/M + 8
// digits (the older ones H/M + 10 digits), 台湾居民来往大陆通行证 8 digits (older 10).
import { checkIdNumber } from './idnumber.ts';
import { normalize } from './normalize.ts';
import { err, info, result, type CodeResult, type Reason } from './types.ts';

/** Codes of ID_TYPE_ENUM this module knows (src/domains/catalog/builtin/enums.ts). */
export const DOC_TYPE = { idCard: '01', passport: '02', hkMacaoPass: '03', taiwanPass: '04', foreignPermanent: '05', hmtResidence: '06', other: '99' } as const;

const SHAPES: Record<string, { re: RegExp; text: string }> = {
  [DOC_TYPE.passport]: { re: /^[A-Z0-9]{5,17}$/, text: '护照号码应为 5–17 位字母或数字' },
  [DOC_TYPE.hkMacaoPass]: { re: /^[HM](\d{8}|\d{10})$/, text: '港澳居民来往内地通行证号码应为 H 或 M 加 8 位（旧版 10 位）数字' },
  [DOC_TYPE.taiwanPass]: { re: /^(\d{8}|\d{10})$/, text: '台湾居民来往大陆通行证号码应为 8 位（旧版 10 位）数字' },
};

/** The old (2017) 15-character foreigner permanent-residence card number: 3 Latin letters + 12 digits. */
const FOREIGN_CARD_15 = /^[A-Z]{3}\d{12}$/;

/**
 * Checks a document number against its 证件类型 code. Types 01, 05 (18 characters) and 06 use the
 * GB 11643 check; 05 also accepts the old 15-character card; 99 (其他) and unknown types pass.
 */
export function checkDocumentNumber(type: string | null, input: string, opts: { today?: Date } = {}): CodeResult {
  if (type === null || type === DOC_TYPE.idCard) return checkIdNumber(input, opts);
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'unknown', reasons);
  if (type === DOC_TYPE.hmtResidence) {
    // 港澳台居民居住证 (国办发〔2018〕81号): the 身份证 layout with address code 810000 / 820000 / 830000.
    const r = checkIdNumber(input, opts);
    if (r.verdict !== 'invalid' && r.kind !== 'hmt_permit') {
      return result(input, s, 'hmt_permit', [
        ...reasons,
        err('doc_type_mismatch', '港澳台居民居住证号码应为 18 位，以 810000（香港）、820000（澳门）或 830000（台湾）开头；该号码是其他证件的号码，请核对证件类型'),
      ]);
    }
    return r;
  }
  if (type === DOC_TYPE.foreignPermanent) {
    if (s.length === 18) {
      const r = checkIdNumber(input, opts);
      if (r.verdict !== 'invalid' && r.kind !== 'foreign_permit') {
        return result(input, s, 'foreign_permit', [
          ...reasons,
          err('doc_type_mismatch', '外国人永久居留身份证（2023 版）号码应以 9 开头；该号码是其他证件的号码，请核对证件类型'),
        ]);
      }
      return r;
    }
    if (FOREIGN_CARD_15.test(s)) {
      reasons.push(info('legacy_foreign_permit', '2017 版外国人永久居留身份证号码（3 位字母 + 12 位数字），继续有效'));
      return result(input, s, 'foreign_permit', reasons, { format: 'foreign15' });
    }
    reasons.push(
      err('doc_number_format', '外国人永久居留身份证号码应为 18 位（2023 版，以 9 开头）或 15 位（2017 版，3 位字母 + 12 位数字）'),
    );
    return result(input, s, 'foreign_permit', reasons);
  }
  const shape = SHAPES[type];
  if (shape && !shape.re.test(s)) reasons.push(err('doc_number_format', shape.text));
  return result(input, s, 'unknown', reasons);
}
