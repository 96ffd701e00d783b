// Tables of the lists domain (红黑名单, migration 20261207T0900_lists_register); merged into DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = ColumnType<string | null, string | null | undefined, string | null>;

export interface ListTypesTable {
  code: string;
  version: number;
  name: string;
  color: 'black' | 'red';
  /** Authority, criteria document, validity, exit rules, subject kinds, source, unconfirmed ([M]) fields. */
  definition: ColumnType<unknown, string | undefined, string>;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Timestamp>;
}

export type ListEntryStatus = 'proposed' | 'notified' | 'reviewed' | 'listed' | 'removed' | 'rejected';
export type ListExitReason = 'expired' | 'repaired' | 'revoked' | 'court' | 'other';

export interface ListEntriesTable {
  id: Generated<string>;
  list_type: string;
  subject_id: string;
  decision_no: string;
  origin: 'collected' | 'local';
  record_id: string | null;
  department_id: number | null;
  status: ListEntryStatus;
  listed_on: DateCol;
  expires_on: DateCol;
  removed_on: DateCol;
  removed_reason: ListExitReason | null;
  lock_version: Generated<number>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface ListTables {
  list_types: ListTypesTable;
  list_entries: ListEntriesTable;
}
