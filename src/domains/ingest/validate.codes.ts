// The row codes of validation (归集 质量校验) with their default severity, and the warnings the
// receipt (回执) lists per code. Part of the row validator (validate.ts).
/** Every row-level code the validator can produce, with its severity. */
export const ROW_CODES = {
  required_missing: 'error',
  too_long: 'error',
  control_char: 'error',
  enum_invalid: 'error',
  date_invalid: 'error',
  number_invalid: 'error',
  integer_invalid: 'error',
  amount_negative: 'error',
  decimal_precision: 'error',
  out_of_range: 'error',
  code_numeric_cell: 'error',
  code_float_damaged: 'error',
  uscc_invalid: 'error',
  uscc_category_mismatch: 'error',
  org_code_invalid: 'error',
  id_number_invalid: 'error',
  authority_uscc_invalid: 'error',
  source_uscc_invalid: 'error',
  subject_category_unknown: 'error',
  date_in_future: 'error',
  placeholder_as_empty: 'error',
  business_identifier_missing: 'error',
  decision_date_implausible: 'error',
  validity_range: 'error',
  // The screen's codes (screen.ts): their severity is the default of INGEST_PII_SCREEN, which may change it.
  id_number_in_public_field: 'error',
  bank_card_in_public_field: 'error',
  mobile_in_public_field: 'warning',
  row_ragged: 'error',
  row_bad_quote: 'error',
  cell_too_long: 'error',
  field_should_be_empty: 'warning',
  legacy_code_routed: 'warning',
  uscc_missing_legacy_only: 'warning',
  org_code_mismatch: 'warning',
  regno_check_failed: 'warning',
  regno_legacy_format: 'warning',
  uscc_unknown_category: 'warning',
  decision_date_early: 'warning',
  authority_uscc_unusual: 'warning',
  name_incomplete: 'warning',
  valid_to_before_decision: 'warning',
  publicity_end_before_decision: 'warning',
  removal_before_decision: 'warning',
  fine_amount_zero: 'warning',
  amount_unit_suspect: 'warning',
  fine_unit_suspect: 'warning',
  fine_implausible: 'warning',
  age_unconfirmed: 'warning',
  late_report: 'warning',
  formula_cached_value: 'warning',
  cell_error_value: 'warning',
} as const;
export type RowCode = keyof typeof ROW_CODES;

/**
 * Warnings of accepted rows that the receipt lists per code (issue 13), besides the personal-data
 * screen's: records kept on trust that the department should confirm.
 */
export const RECEIPT_ROW_WARNINGS: readonly RowCode[] = [
  'decision_date_early',
  'uscc_unknown_category',
  'regno_legacy_format',
  'fine_unit_suspect',
  'fine_implausible',
  'age_unconfirmed',
];
