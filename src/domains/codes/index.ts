// Public surface of the codes domain: pure functions for USCC, org codes, ID numbers, old
// registration numbers and GB/T 2260 regions. Other domains import from here only.
export type { Verdict, CodeKind, Reason, CodeResult } from './types.ts';
export { verdictOf, NORMALIZATION_CODES } from './types.ts';
export { normalize } from './normalize.ts';
export {
  checkUscc,
  isValidUscc,
  usccCheckChar,
  generateUscc,
  USCC_ALPHABET,
  USCC_AUTHORITIES,
  USCC_PAIRS,
  USCC_AUTHORITIES_SOURCE,
  isKnownUsccPair,
} from './uscc.ts';
export { checkOrgCode, orgCodeCheckChar } from './orgcode.ts';
export {
  checkIdNumber,
  convertId15To18,
  idCheckChar,
  maskIdNumber,
  generateIdNumber,
} from './idnumber.ts';
export { checkRegNo, regNoCheckDigit } from './regno.ts';
export { checkDocumentNumber, DOC_TYPE } from './docnumber.ts';
export { checkCode } from './check.ts';
export { lookupRegion, regionChildren, regionFullName, type RegionInfo } from './regions.ts';
export {
  runCodesCheck,
  formatTsv,
  CHECK_KIND_OPTIONS,
  type CheckKindOption,
  type CheckStreamOptions,
  type CheckStreamSummary,
} from './check-stream.ts';
export {
  findPersonalNumbers,
  luhnValid,
  maskPersonalNumber,
  maskPersonalNumbersIn,
  maskPersonName,
  publicPersonName,
  scrubPersonalNumbers,
  type DetectOptions,
  type PersonalNumber,
  type PersonalNumberKind,
  type PublicPersonName,
} from './pii.ts';
