// Tables of the sanctions domain (联合奖惩, migration 20261207T1200a_sanctions); merged into DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export type MeasureStatus = 'draft' | 'active' | 'superseded' | 'retired';
export type MeasureKind = 'punishment' | 'incentive';
export type MeasureEdition = '2021' | '2022' | '2024' | 'local';

export interface SanctionMeasuresTable {
  id: Generated<string>;
  code: string;
  version: number;
  name: string;
  class: number;
  kind: MeasureKind;
  list_types: string[];
  scenarios: string[];
  legal_basis: string | null;
  basis_doc_no: string | null;
  implementing_dept: string;
  edition: MeasureEdition;
  source: string | null;
  status: MeasureStatus;
  created_by: number | null;
  created_at: Generated<Timestamp>;
  retired_at: Timestamp | null;
}

export interface SanctionChecksTable {
  id: Generated<string>;
  case_no: string;
  department_id: number;
  channel: 'api' | 'console' | 'screening';
  scenario: string;
  user_id: number | null;
  api_key_id: number | null;
  checked_at: Timestamp;
  subjects: number;
  hits: number;
  feedback_due: Generated<number>;
  feedback_given: Generated<number>;
  answer: Json;
}

export interface SanctionCheckHitsTable {
  check_id: string;
  subject_id: string;
  entry_id: string;
  list_type: string;
  color: 'black' | 'red';
}

export interface SanctionFeedbackTable {
  id: Generated<string>;
  check_id: string;
  subject_id: string;
  measure_id: string;
  list_types: string[];
  applied: boolean;
  reason: string | null;
  case_description: string;
  acted_on: ColumnType<string, string, string>;
  officer_id: number;
  department_id: number;
  created_at: Generated<Timestamp>;
  notable_at: Timestamp | null;
  notable_by: number | null;
  public_title: string | null;
  public_summary: string | null;
}

/** One row: bumped by a trigger on every write to sanction_measures (migration 20261208T0805k). */
export interface SanctionMeasuresGenerationTable {
  id: Generated<boolean>;
  instance: Generated<string>;
  gen: Generated<string>;
}

export interface SanctionTables {
  sanction_measures: SanctionMeasuresTable;
  sanction_checks: SanctionChecksTable;
  sanction_check_hits: SanctionCheckHitsTable;
  sanction_feedback: SanctionFeedbackTable;
  sanction_measures_generation: SanctionMeasuresGenerationTable;
}
