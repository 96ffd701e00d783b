// Tables of the objections domain (异议申诉, migration 20261207T1400o_objections); merged into DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = ColumnType<string, string, string>;

export type ObjectionScope = 'error' | 'omission' | 'duplicate' | 'not_public' | 'over_period' | 'inconsistent';
export type ObjectionStatus = 'precheck' | 'awaiting_material' | 'at_department' | 'decided';
export type ObjectionOutcome = 'corrected' | 'withdrawn' | 'refused';
export type ObjectionStep = 'filed' | 'material_requested' | 'material_added' | 'sent' | 'decided';

export interface ObjectionsTable {
  id: Generated<string>;
  query_code_hash: string;
  subject_id: string;
  department_id: number;
  scope: ObjectionScope;
  statement: string;
  applicant_relation: 'subject' | 'concerned';
  applicant_name: string;
  applicant_mobile_enc: string;
  applicant_mobile_masked: string;
  pledge_text: string;
  status: ObjectionStatus;
  outcome: ObjectionOutcome | null;
  outcome_reason: string | null;
  material_note: string | null;
  due_on: DateCol;
  filed_at: Timestamp;
  sent_at: Timestamp | null;
  decided_at: Timestamp | null;
  decided_by: number | null;
  working_days: number | null;
}

export interface ObjectionRecordsTable {
  objection_id: string;
  record_id: string;
  version_at_filing: number;
  open: Generated<boolean>;
  new_version: number | null;
}

export interface ObjectionFilesTable {
  id: Generated<string>;
  objection_id: string;
  stage: 'filing' | 'supplement';
  file_name: string;
  mime: 'application/pdf' | 'image/jpeg' | 'image/png';
  bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Timestamp;
}

export interface ObjectionStepsTable {
  id: Generated<string>;
  objection_id: string;
  step: ObjectionStep;
  note: string | null;
  user_id: number | null;
  at: Timestamp;
}

export interface ObjectionTables {
  objections: ObjectionsTable;
  objection_records: ObjectionRecordsTable;
  objection_files: ObjectionFilesTable;
  objection_steps: ObjectionStepsTable;
}
