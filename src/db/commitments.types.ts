// Tables of the commitments domain (信用承诺, migration 20261207T1400p_commitments); merged into DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CommitmentKind = 'approval' | 'tolerance' | 'industry' | 'repair' | 'voluntary';

export interface CommitmentsTable {
  id: Generated<string>;
  subject_id: string;
  kind: CommitmentKind;
  matter: string;
  text: string;
  made_on: string;
  applicant_name: string;
  applicant_mobile_enc: string;
  applicant_mobile_masked: string;
  created_at: Timestamp;
}

export interface CommitmentFulfilmentsTable {
  id: Generated<string>;
  record_id: string | null;
  commitment_id: string | null;
  outcome: 'kept' | 'breached';
  basis: string;
  department_id: number | null;
  user_id: number;
  marked_on: string;
  created_at: Timestamp;
}

export interface CommitmentTables {
  commitments: CommitmentsTable;
  commitment_fulfilments: CommitmentFulfilmentsTable;
}
