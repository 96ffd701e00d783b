// Kysely table types. Keep in step with src/db/migrations/*.sql.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  departments: DepartmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  api_keys: ApiKeysTable;
  api_nonces: ApiNoncesTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  subjects: SubjectsTable;
}

export type Department = Selectable<DepartmentsTable>;
export type User = Selectable<UsersTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
