// Tables of the repair domain (信用修复, migration 20261207T1300a_repair); merged into DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export type RepairStatus = 'submitted' | 'forwarded' | 'approved' | 'refused';

export interface RepairApplicationsTable {
  id: Generated<string>;
  query_code_hash: string;
  subject_id: string;
  uscc: string;
  subject_name: string;
  channel: 'standard' | 'restructuring';
  agent_name: string;
  agent_mobile_enc: string;
  agent_mobile_masked: string;
  identity_kind: 'power_of_attorney' | 'legal_rep_proof' | 'provincial';
  department_id: number;
  regime: string;
  status: RepairStatus;
  commitment_text: string;
  applied_on: DateCol;
  answer_due: DateCol;
  forwarded_on: NullableDate;
  forwarded_by: number | null;
  decide_due: NullableDate;
  decided_on: NullableDate;
  decided_at: Timestamp | null;
  decided_by: number | null;
  decision_reason: string | null;
  decision_no: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface RepairApplicationRecordsTable {
  application_id: string;
  record_id: string;
  facts: ColumnType<unknown, string | undefined, string>;
  open: Generated<boolean>;
}

export interface RepairMaterialsTable {
  id: Generated<string>;
  application_id: string;
  kind: string;
  file_name: string;
  media_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Generated<Timestamp>;
}

export interface RepairTables {
  repair_applications: RepairApplicationsTable;
  repair_application_records: RepairApplicationRecordsTable;
  repair_materials: RepairMaterialsTable;
}
