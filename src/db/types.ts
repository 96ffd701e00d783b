// Kysely table types. Keep in step with src/db/migrations/*.sql.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { MonitoringTables } from './monitoring.types.ts';
import type { ReportTables } from './reports.types.ts';
import type { ListTables } from './lists.types.ts';
import type { RepairTables } from './repair.types.ts';
import type { ObjectionTables } from './objections.types.ts';
import type { CommitmentTables } from './commitments.types.ts';
import type { IngestReviewTables } from './ingest.types.ts';
import type { SanctionTables } from './sanctions.types.ts';
import type { AuthTables } from './auth.types.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export interface DepartmentsTable {
  id: Generated<number>;
  code: string;
  name: string;
  short_name: string;
  kind: 'office' | 'city_unit' | 'district' | 'soe';
  parent_id: number | null;
  region_code: string | null;
  uscc: string | null;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  created_at: Timestamp;
  /** Batches need approval by the department's 审核员 before they are written (migration 20261207T1700a). */
  review_required: Generated<boolean>;
}

export type Role = 'admin' | 'reporter' | 'reviewer' | 'district_admin' | 'auditor';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  department_id: number | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  must_change_password: Generated<boolean>;
  one_time_password_used_at: Timestamp | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
}

export interface LoginFailuresTable {
  id: Generated<string>;
  username: string;
  ip: string | null;
  at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<number>;
  app_key: string;
  secret_enc: string;
  name: string;
  department_id: number;
  created_by: number | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface ApiNoncesTable {
  app_key: string;
  nonce: string;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_role: string | null;
  actor_department_id: number | null;
  actor_app_key: string | null;
  action: string;
  target: string | null;
  outcome: Generated<'ok' | 'denied' | 'failed'>;
  detail: Json;
  ip: string | null;
  request_id: string | null;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

export interface SubjectsTable {
  id: Generated<string>;
  kind: 'legal' | 'individual_business' | 'natural_person';
  name: string;
  uscc: string | null;
  legal_representative: string | null;
  region_code: string | null;
  registered_on: ColumnType<string | null, string | null | undefined, string | null>;
  id_hash: ColumnType<string | null, string | null | undefined, string | null>;
  id_masked: ColumnType<string | null, string | null | undefined, string | null>;
  id_enc: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Search columns (migration 20261128T1300_subject_search): kept by the trigger and subjects.service.ts backfill. */
  name_norm: ColumnType<string | null, string | null | undefined, string | null>;
  name_bigrams: ColumnType<string | null, never, never>;
  pinyin_initials: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CatalogVersionsTable {
  item_id: string;
  version: number;
  name: string;
  record_type: string;
  definition: Json;
  /** 'discarded': a draft given up in the editor (migration 20261208T0825c_catalog_editable_drafts). */
  status: 'draft' | 'in_review' | 'active' | 'retired' | 'discarded';
  builtin: Generated<boolean>;
  created_by: number | null;
  reviewed_by: number | null;
  created_at: Timestamp;
  activated_at: Timestamp | null;
  /** When a draft was last saved (migration 20261208T0825c_catalog_editable_drafts). */
  updated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type BatchStatus = 'processing' | 'pending_review' | 'returned' | 'committed' | 'rejected' | 'failed';
export type Channel = 'file' | 'api' | 'form' | 'cli';

export interface IngestBatchesTable {
  id: Generated<string>;
  department_id: number;
  item_id: string;
  catalog_version: number;
  channel: Channel;
  file_name: string | null;
  file_sha256: string | null;
  file_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  format: string | null;
  encoding: string | null;
  status: BatchStatus;
  total: Generated<number>;
  accepted: Generated<number>;
  rejected: Generated<number>;
  new_records: Generated<number>;
  updated: Generated<number>;
  duplicates: Generated<number>;
  withdrawn: Generated<number>;
  late: Generated<number>;
  file_errors: Json;
  /** Rows accepted with a public-field screen warning, per code (migration 20261206T0610). */
  row_warnings: ColumnType<unknown, string | undefined, string>;
  header: ColumnType<unknown, string | null | undefined, string | null>;
  created_by: number | null;
  api_key_id: number | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  /** 更正原因 of a credit-office correction batch (issue 11 §1); null for an ordinary report. */
  correction_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The review step (migration 20261207T1700a): who approved or returned the batch, when, and the return note. */
  reviewed_by: ColumnType<number | null, number | null | undefined, number | null>;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  review_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IngestRejectsTable {
  batch_id: string;
  row_number: number;
  /** The row as uploaded, personal cells masked (when cells_masked). */
  cells: Json;
  errors: Json;
  /** The masked cells' originals, AES-GCM under the 'pii' key: JSON { column index: text }. */
  pii_enc: string | null;
  /** False only for rows stored before 20261206T0600 and not yet protected by the reject-cells job. */
  cells_masked: Generated<boolean>;
}

export interface RecordsTable {
  id: Generated<string>;
  item_id: string;
  record_type: string;
  record_key: string;
  authority_uscc: string;
  doc_no: string;
  subject_id: string | null;
  department_id: number;
  current_version: number;
  current_hash: string;
  status: 'active' | 'withdrawn';
  decision_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  audience: Generated<'public' | 'government' | 'none'>;
  public_from: ColumnType<string | null, string | null | undefined, string | null>;
  public_until: ColumnType<string | null, string | null | undefined, string | null>;
  publicity: Json | null;
  publicity_review: ColumnType<string | null, string | null | undefined, string | null>;
  publicity_checked_at: Timestamp | null;
  repaired_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 异议处理中 while an objection is open (migration 20261207T1400o; written by ingest for objections). */
  objection_mark: ColumnType<'marked' | 'hidden' | null, 'marked' | 'hidden' | null | undefined, 'marked' | 'hidden' | null>;
  /** The day the credit office moved this collected list record's entry out (migration 20261208T0810a; written by publicity). */
  list_removed_at: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The current version's content and provenance (migration 20261208T0835w): stored once on the record; the
   * superseded versions are in record_history, and the view record_versions shows both. Null on a record
   * that has no version (written outside an import).
   */
  content: ColumnType<unknown, string | null | undefined, string | null>;
  pii_enc: ColumnType<string | null, string | null | undefined, string | null>;
  version_subject_id: ColumnType<string | null, string | null | undefined, string | null>;
  late: Generated<boolean>;
  working_days: ColumnType<number | null, number | null | undefined, number | null>;
  provisional: Generated<boolean>;
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  row_number: ColumnType<number | null, number | null | undefined, number | null>;
  channel: ColumnType<Channel | null, Channel | null | undefined, Channel | null>;
  version_department_id: ColumnType<number | null, number | null | undefined, number | null>;
  catalog_version: ColumnType<number | null, number | null | undefined, number | null>;
  version_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RecordVersionsTable {
  record_id: string;
  version: number;
  subject_id: string | null;
  content: Json;
  content_hash: string;
  pii_enc: string | null;
  withdrawn: boolean;
  late: boolean;
  working_days: number | null;
  provisional: boolean;
  batch_id: string;
  row_number: number | null;
  channel: Channel;
  department_id: number;
  catalog_version: number;
  created_at: Timestamp;
}

export interface SubjectIdentifiersTable {
  kind: 'org' | 'regno';
  value: string;
  subject_id: string;
  created_at: Timestamp;
}

export interface CalendarOverridesTable {
  day: ColumnType<string, string, string>;
  kind: 'workday' | 'holiday';
  name: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface SubjectNamesTable {
  subject_id: string;
  name: string;
  first_seen: Timestamp;
}

/** The app role's password when the platform created the role (src/db/roles.ts); readable by the owner only. */
export interface PrivateAppRoleTable {
  role_name: string;
  password: string;
  created_at: Timestamp;
}

/** An authority a department may report for (代报机关), besides its own USCC. */
export interface DepartmentAuthoritiesTable {
  department_id: number;
  authority_uscc: string;
  authority_name: string;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

/** A notice logged (and possibly sent) by src/platform/notifier.ts (migration 20261207T0910_notifications). */
export interface NotificationsTable {
  id: Generated<string>;
  channel: 'log' | 'sms' | 'mail';
  recipient: string;
  topic: string;
  ref: string | null;
  subject: string;
  body: string;
  status: 'logged' | 'sent' | 'failed';
  error: string | null;
  created_at: Generated<Timestamp>;
  /** Set for a notice sent at most once (deadline reminders; migration 20261208T0820a). */
  once_key: string | null;
}

/** A run of a job (src/platform/jobs.ts; migration 20261207T0700_jobs). */
export interface JobsTable {
  id: Generated<string>;
  name: string;
  kind: 'periodic' | 'queued' | 'service';
  status: 'queued' | 'running' | 'done' | 'failed';
  ref: string | null;
  payload: Json;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  progress: ColumnType<unknown, string | null | undefined, string | null>;
  result: string | null;
  error: string | null;
  locked_by: string | null;
  heartbeat_at: Timestamp | null;
  run_after: Generated<Date>;
  created_at: Generated<Date>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface DB extends MonitoringTables, ReportTables, ListTables, RepairTables, ObjectionTables, CommitmentTables, IngestReviewTables, SanctionTables, AuthTables {
  departments: DepartmentsTable;
  department_authorities: DepartmentAuthoritiesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  api_keys: ApiKeysTable;
  api_nonces: ApiNoncesTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  subjects: SubjectsTable;
  catalog_versions: CatalogVersionsTable;
  ingest_batches: IngestBatchesTable;
  ingest_rejects: IngestRejectsTable;
  records: RecordsTable;
  /** A view since migration 20261208T0835w: each record's current version (from records) and its superseded ones (record_history). */
  record_versions: RecordVersionsTable;
  /** Superseded versions of records, with their provenance (migration 20261208T0835w). */
  record_history: RecordVersionsTable;
  subject_identifiers: SubjectIdentifiersTable;
  subject_names: SubjectNamesTable;
  calendar_overrides: CalendarOverridesTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  'citycredit_private.app_role': PrivateAppRoleTable;
}

export type Department = Selectable<DepartmentsTable>;
export type User = Selectable<UsersTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
