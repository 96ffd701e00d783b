// Calls of the staff console. All need the session cookie; writes carry the CSRF token.
import { fetchFile, request, saveBlob } from './http';
import type { CreateDepartmentBody } from '../../domains/auth/auth.schemas.ts';
import type { DeskCounts } from './types';
import type {
  ApiKeyRow,
  AuditEntry,
  AuditQuery,
  CreatedApiKey,
  Department,
  Desk,
  NewUser,
  Page,
  SessionResponse,
  UserPatch,
  UserRow,
} from './types';

/** Current session, or ApiError(401) when not logged in. */
export function fetchMe(): Promise<SessionResponse> {
  return request<SessionResponse>('GET', '/api/auth/me', { skipAuthRedirect: true });
}

/** Log in; the server sets the httpOnly session cookie. */
export function postLogin(username: string, password: string): Promise<SessionResponse> {
  return request<SessionResponse>('POST', '/api/auth/login', { body: { username, password }, skipAuthRedirect: true });
}

/** End the session on the server. */
export function postLogout(): Promise<void> {
  return request<void>('POST', '/api/auth/logout', { skipAuthRedirect: true });
}

/** Departments visible to the current user (a department user sees only their own). */
export async function listDepartments(): Promise<Department[]> {
  return (await request<{ items: Department[] }>('GET', '/api/departments')).items;
}

/** Users, optionally of one department. */
export async function listUsers(departmentId?: number | null): Promise<UserRow[]> {
  return (await request<{ items: UserRow[] }>('GET', '/api/users', { query: { departmentId } })).items;
}

/** Create a user account. */
export function createUser(user: NewUser): Promise<UserRow> {
  return request<UserRow>('POST', '/api/users', { body: user });
}

/** Deactivate or reactivate a department (credit office): its users and API keys are cut off while inactive. */
/** Add a department (credit office admin). */
export function createDepartment(body: CreateDepartmentBody): Promise<Department> {
  return request<Department>('POST', '/api/departments', { body });
}

/** Edit a department's name, short name or USCC (credit office admin). */
export function updateDepartment(id: number, patch: { name?: string; shortName?: string; uscc?: string | null }): Promise<Department> {
  return request<Department>('PATCH', `/api/departments/${encodeURIComponent(String(id))}`, { body: patch });
}

export function setDepartmentActive(id: number, active: boolean): Promise<Department> {
  return request<Department>('PATCH', `/api/departments/${encodeURIComponent(String(id))}`, { body: { active } });
}

/** Change a user's role and/or department. */
export function updateUser(id: number, patch: UserPatch): Promise<UserRow> {
  return request<UserRow>('PATCH', `/api/users/${encodeURIComponent(String(id))}`, { body: patch });
}

/** Deactivate (every session of the user ends at once) or reactivate a user. */
export function setUserActive(id: number, active: boolean): Promise<UserRow> {
  return request<UserRow>('POST', `/api/users/${encodeURIComponent(String(id))}/${active ? 'activate' : 'deactivate'}`);
}

/** Set a one-time password that the user must change at the next sign-in. */
export function resetUserPassword(id: number, password: string): Promise<UserRow> {
  return request<UserRow>('POST', `/api/users/${encodeURIComponent(String(id))}/reset-password`, { body: { password } });
}

/** Change the signed-in user's own password. */
export function postPassword(currentPassword: string, newPassword: string): Promise<SessionResponse> {
  return request<SessionResponse>('POST', '/api/auth/password', { body: { currentPassword, newPassword } });
}

/** API keys of department systems. */
export async function listApiKeys(): Promise<ApiKeyRow[]> {
  return (await request<{ items: ApiKeyRow[] }>('GET', '/api/apikeys')).items;
}

/** Issue an API key; the secret is returned this one time only. */
export function createApiKey(departmentId: number, name: string): Promise<CreatedApiKey> {
  return request<CreatedApiKey>('POST', '/api/apikeys', { body: { departmentId, name } });
}

/** Revoke an API key. */
export function revokeApiKey(id: number): Promise<unknown> {
  return request<unknown>('POST', `/api/apikeys/${encodeURIComponent(String(id))}/revoke`);
}

/** One page of the audit log, newest first. */
export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return request<Page<AuditEntry>>('GET', '/api/audit', { query: { ...query }, signal });
}

/** The 工作台 desk: the signed-in user's to-dos, overdue first. */
export function fetchDesk(): Promise<Desk> {
  return request<Desk>('GET', '/api/desk');
}

/** Turn 报送需审核 on or off for a department (credit office; audited). */
export function setDepartmentReview(id: number, reviewRequired: boolean): Promise<Department> {
  return request<Department>('PATCH', `/api/departments/${encodeURIComponent(String(id))}`, { body: { reviewRequired } });
}

/** The audit actions with their Chinese names, for the action filter. */
export async function listAuditActions(): Promise<{ action: string; label: string }[]> {
  return (await request<{ items: { action: string; label: string }[] }>('GET', '/api/audit/actions')).items;
}

/** Downloads the filtered audit log as .xlsx; resolves with the file name and whether it was cut at the export limit. */
export async function downloadAudit(query: Omit<AuditQuery, 'cursor' | 'limit'>): Promise<{ filename: string; truncated: boolean }> {
  const { blob, headers, filename } = await fetchFile('GET', '/api/audit.xlsx', '审计日志.xlsx', { query: { ...query } });
  saveBlob(blob, filename);
  return { filename, truncated: headers.get('x-truncated') === 'true' };
}

/** The navigation badges: the user's to-dos summed by console page (GET /api/desk/counts). */
export function fetchDeskCounts(): Promise<DeskCounts> {
  return request<DeskCounts>('GET', '/api/desk/counts');
}
