// Shapes of the JSON the server returns, as agreed in the API contract.

export type Role = 'admin' | 'reporter' | 'reviewer' | 'district_admin' | 'auditor';

export type DepartmentKind = 'city_unit' | 'district' | 'soe' | 'office';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
}

export interface SessionResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface SiteInfo {
  cityName: string;
  regionCode: string;
  title: string;
}

export interface SearchItem {
  id: number | string;
  name: string;
  uscc: string | null;
  kind: string;
}

export interface SearchResponse {
  items: SearchItem[];
  /** A number, or an estimate such as "20+" for common substrings. */
  total: number | string;
  nextCursor?: string | null;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: DepartmentKind;
  parentId: number | null;
  active: boolean;
}

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
  active: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  password: string;
}

export interface ApiKeyRow {
  id: number;
  appKey: string;
  name: string;
  departmentId: number;
  departmentName: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt?: string | null;
}

export interface CreatedApiKey {
  id: number;
  appKey: string;
  secret: string;
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actorUsername: string | null;
  actorRole: string | null;
  /** Set when a department system (API key) was the actor. */
  actorAppKey?: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
  outcome: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
