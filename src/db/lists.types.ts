// Tables of the lists domain (红黑名单, migrations 20261207T0900_lists_register and 20261207T1100a_lists_lifecycle); merged into DB in src/db/types.ts.
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
  created_at: Timestamp;
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
  created_at: Timestamp;
  updated_at: Timestamp;
  // Migration 20261207T1100a_lists_lifecycle: the local lifecycle and the collected hand-over.
  list_type_version: number | null;
  basis_record_ids: ColumnType<string[], string[] | undefined, string[]>;
  criteria_clause: string | null;
  reason: string | null;
  notified_on: DateCol;
  objection_until: DateCol;
  /** A collected entry's 名单类型 text when no alias matched it (the entry is kept under OTHER_BLACK/OTHER_RED). */
  unmapped_type: string | null;
  created_by: number | null;
}

export interface ListEntryHistoryTable {
  id: Generated<string>;
  entry_id: string;
  action: string;
  from_status: ListEntryStatus | null;
  to_status: ListEntryStatus;
  reason: string | null;
  actor_id: number | null;
  actor_name: string;
  at: Timestamp;
  detail: ColumnType<unknown, string | undefined, string>;
}

export interface ListSyncBatchesTable {
  batch_id: string;
  entries: number;
  synced_at: Timestamp;
}

export interface ListSyncStateTable {
  id: Generated<boolean>;
  watermark: ColumnType<string, string | number, string | number>;
}

export interface ListTables {
  list_types: ListTypesTable;
  list_entries: ListEntriesTable;
  list_entry_history: ListEntryHistoryTable;
  list_sync_batches: ListSyncBatchesTable;
  list_sync_state: ListSyncStateTable;
}
